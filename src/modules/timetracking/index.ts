/** What other modules may use of time tracking. */
export { timetrackingMigrations, ACTIVITIES, type TimetrackingTables, type Activity } from './timetracking.tables.js';
export { timetrackingRoutes } from './http/timetracking.routes.js';
export { onOvernightTimer, OVERNIGHT_TIMER } from './timer.service.js';
export { workTotals, lineWork, organizationMinutes, type WorkScope } from './work.repo.js';
export { formatHours, monthName } from './contract-hours.messages.js';
export * as localTime from './local-time.js';
export { createEntry } from './work-entries.service.js';
export { currentTimer, startTimer, stopTimer } from './timer.service.js';
