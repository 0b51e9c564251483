/** What other modules and the composition may use of the telephone channel. */
export { phoneMigrations, type PhoneTables } from './phone.tables.js';
export { phoneRoutes } from './http/phone.routes.js';
export { seedDemoCalls } from './phone.demo.js';
export { callDemand, callFigures, type CallFigures, type CallScope } from './figures.js';
export { findCall, type CallRow } from './phone.repo.js';
