/** What other modules and the composition may use of the e-mail channel (inbound). */
export { emailMigrations, type EmailTables } from './email.tables.js';
export { emailRoutes } from './http/email.routes.js';
export { startSmtpIntake, startImapIntake, type ImapIntake } from './email.runtime.js';
export { receiveMessage, type Delivery, type IntakeResult } from './intake.service.js';
export { inboundMessageIds, isAddressFailing } from './messages.service.js';
export { seedDemoMailboxes } from './mailbox.service.js';
export { requestNumberIn } from './subject.js';
export { purgeOriginals } from './email.repo.js';
export { mailboxOfTicket } from './email.repo.js';
