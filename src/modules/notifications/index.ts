/** What other modules may use of notifications. */
export { deliver as deliverNotice, deliverText, NOTIFIABLE_EVENTS, onEvent as onNotifiableEvent } from './notify.service.js';
export { sideOf, type Recipient } from './recipients.js';
export { notificationsPaused, withoutNotifications } from './quiet.js';
export { notificationRoutes } from './http/notifications.routes.js';
export type { NotificationTables } from './notifications.tables.js';
export { notificationMigrations } from './notifications.tables.js';
/** Adds notices to people's in-app feeds, in the caller's transaction (for notices other modules write themselves). */
export { insertNotifications as addFeedNotices } from './notifications.repo.js';
