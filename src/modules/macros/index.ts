/** What other modules (and the composition) may use of macros and bulk work. */
export { macroMigrations, type MacroTables } from './macros.tables.js';
export { macroRoutes } from './http/macros.routes.js';
/** The action executor: automation rules apply their actions through it too. */
export { applyActions, failedActionIndex } from './actions.executor.js';
