/** What other modules (and the composition) may use of automation rules. */
export { automationMigrations, type AutomationTables } from './automation.tables.js';
export { automationRoutes } from './http/automation.routes.js';
export { purgeRuns as purgeAutomationRuns } from './automation.repo.js';
export { purgeTimeRuns as purgeAutomationTimeRuns } from './time-rules.js';
export { onRuleEvent, SOURCE_EVENTS as RULE_SOURCE_EVENTS } from './engine.js';
/** How long a rule's runs are kept, and a time rule's ledger of a period once that period has ended. */
export const AUTOMATION_RUN_DAYS = 90;
