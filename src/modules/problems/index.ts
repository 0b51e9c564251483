/** What the composition uses of problems and major incidents. */
export { problemMigrations, type ProblemTables } from './problems.tables.js';
export { problemRoutes } from './http/problems.routes.js';
export { onReplied as onMajorIncidentReplied, onStatusChanged as onMajorIncidentStatusChanged, OPEN_MAJOR_FACT, openMajorFact } from './major.service.js';
