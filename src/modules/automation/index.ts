/** What other modules (and the composition) may use of automation rules. */
export { automationMigrations, type AutomationTables } from './automation.tables.js';
export { automationRoutes } from './http/automation.routes.js';
export { purgeRuns as purgeAutomationRuns } from './automation.repo.js';
