/** What other modules and the composition may use of the SMS channel. */
export { smsMigrations, type SmsTables } from './sms.tables.js';
export { smsRoutes } from './http/sms.routes.js';
export { createSmsDelivery } from './delivery.js';
export { enqueueSms, isNumberOptedOut } from './outbound.service.js';
export { receiveSms } from './intake.service.js';
export { smsShape } from './gsm.js';
export { gatewayOfTicket } from './sms.repo.js';
