/** What the composition uses of outbound webhooks. */
export { webhookMigrations, type WebhookTables } from './webhooks.tables.js';
export { webhookRoutes } from './http/webhooks.routes.js';
export { applyDelivery, DELIVERY_TIMER, onEvent as onWebhookEvent, postToWebhook, prepareDelivery } from './webhooks.service.js';
export { findWebhook, SUBSCRIBED_FACT as WEBHOOK_FACT, subscribedFact as webhookFact } from './webhooks.service.js';
export { WEBHOOK_EVENTS } from '../../contracts/webhooks.js';
