import { auditMigrations } from '../core/audit/audit.js';
import { counterMigrations } from '../core/db/counters.js';
import type { ModuleMigration } from '../core/db/migrate.js';
import { eventMigrations } from '../core/events/events.js';
import { timerMigrations } from '../core/jobs/timers.js';
import { mailMigrations } from '../core/mail/outbox.js';
import { identityMigrations } from './identity/identity.tables.js';
import { ticketMigrations } from './tickets/tickets.tables.js';
import { catalogMigrations } from './catalog/catalog.tables.js';
import { changeMigrations } from './changes/changes.tables.js';
import { slaMigrations } from './sla/sla.tables.js';
import { slaClockMigrations } from './sla/clocks.tables.js';
import { escalationMigrations } from './escalation/escalation.tables.js';
import { emailMigrations } from './channels/email/email.tables.js';
import { smsMigrations } from './channels/sms/sms.tables.js';
import { notificationMigrations } from './notifications/notifications.tables.js';
import { kbMigrations } from './kb/kb.tables.js';
import { timetrackingMigrations } from './timetracking/index.js';
import { reportMigrations } from './reports/index.js';
import { phoneMigrations } from './channels/phone/phone.tables.js';
import { webhookMigrations } from './webhooks/index.js';
import { ssoMigrations } from './identity/sso/sso.tables.js';
import { storageMigrations } from '../core/storage/database-files.js';
import { securityMigrations } from './identity/security.tables.js';
import { problemMigrations } from './problems/index.js';
import { cannedMigrations } from './canned/index.js';
import { macroMigrations } from './macros/index.js';
import { automationMigrations } from './automation/index.js';
import { timeRuleMigrations } from './automation/time-rules.tables.js';

/** Every migration of core and the modules; applied in name order. */
export const allMigrations: ModuleMigration[] = [
  ...counterMigrations,
  ...eventMigrations,
  ...auditMigrations,
  ...mailMigrations,
  ...timerMigrations,
  ...identityMigrations,
  ...ticketMigrations,
  ...catalogMigrations,
  ...changeMigrations,
  ...slaMigrations,
  ...slaClockMigrations,
  ...escalationMigrations,
  ...emailMigrations,
  ...smsMigrations,
  ...notificationMigrations,
  ...kbMigrations,
  ...timetrackingMigrations,
  ...reportMigrations,
  ...phoneMigrations,
  ...webhookMigrations,
  ...ssoMigrations,
  ...storageMigrations,
  ...securityMigrations,
  ...problemMigrations,
  ...cannedMigrations,
  ...macroMigrations,
  ...automationMigrations,
  ...timeRuleMigrations,
];
