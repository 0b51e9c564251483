/** What other modules (and the composition) may use of reports. */
export { reportMigrations, type ReportTables } from './reports.tables.js';
export { reportRoutes } from './http/reports.routes.js';
export { REPORT_EVENTS, onReportEvent, onRequestCreating } from './facts.service.js';
export { ensureReportSchedules, onScheduledReport, SCHEDULES } from './schedule.service.js';
export { toCsv, toXlsx, type Table } from './export.js';
