/** What other modules (and the composition) may use of the knowledge base. */
export { kbMigrations, type KbTables } from './kb.tables.js';
export { onTicketStatusChanged, rebuildSearchIndex } from './search.service.js';
export { kbPageRoutes } from './http/pages.routes.js';
export { kbSearchRoutes } from './http/search.routes.js';
export { createPage } from './pages.service.js';
export { linkSolution, listSolutions } from './solutions.service.js';
export { findPage } from './kb.repo.js';
