/** What other modules and the composition may use of changes. */
export { changeMigrations, type ChangeTables } from './changes.tables.js';
export { recordChange, guardStatusChange, onReply, type ChangeInput } from './changes.service.js';
export { changeRoutes } from './http/changes.routes.js';
