/** What other modules (and the composition) may use of canned replies. */
export { cannedMigrations, type CannedTables } from './canned.tables.js';
export { cannedRoutes } from './http/canned.routes.js';
export { assertPlaceholders, getCanned, placeholderValues, renderCanned } from './canned.service.js';
export { renderPlaceholders } from './placeholders.js';
