/** What other modules and the composition may use of the service catalog. */
export { catalogMigrations, type CatalogTables } from './catalog.tables.js';
export { catalogTargets } from './catalog.service.js';
export { catalogRoutes } from './http/catalog.routes.js';
