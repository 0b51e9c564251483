import type { Kysely } from 'kysely';
import type { AuditTables } from '../core/audit/audit.js';
import type { CounterTables } from '../core/db/counters.js';
import type { DialectName } from '../core/db/connect.js';
import type { EventBus, EventTables } from '../core/events/events.js';
import type { TimerTables } from '../core/jobs/timers.js';
import type { MailTables } from '../core/mail/outbox.js';
import type { Clock } from '../core/clock/clock.js';
import type { Config } from '../core/config/config.js';
import type { FileStore } from '../core/storage/files.js';
import type { FileTables } from '../core/storage/database-files.js';
import type { SecretBox } from '../core/crypto/secrets.js';
import type { IdentityTables } from './identity/identity.tables.js';
import type { SecurityTables } from './identity/security.tables.js';
import type { TicketTables } from './tickets/tickets.tables.js';
import type { CatalogTables } from './catalog/catalog.tables.js';
import type { ChangeTables } from './changes/changes.tables.js';
import type { SlaTables } from './sla/sla.tables.js';
import type { SlaClockTables } from './sla/clocks.tables.js';
import type { EscalationTables } from './escalation/escalation.tables.js';
import type { EmailTables } from './channels/email/email.tables.js';
import type { SmsTables } from './channels/sms/sms.tables.js';
import type { NotificationTables } from './notifications/notifications.tables.js';
import type { KbTables } from './kb/kb.tables.js';
import type { TimetrackingTables } from './timetracking/timetracking.tables.js';
import type { ReportTables } from './reports/reports.tables.js';
import type { PhoneTables } from './channels/phone/phone.tables.js';
import type { WebhookTables } from './webhooks/webhooks.tables.js';
import type { SsoTables } from './identity/sso/sso.tables.js';
import type { ProblemTables } from './problems/problems.tables.js';
import type { CannedTables } from './canned/canned.tables.js';
import type { MacroTables } from './macros/macros.tables.js';
import type { AutomationTables } from './automation/automation.tables.js';
import type { TimeRuleTables } from './automation/time-rules.tables.js';

/** Every table, as the query builder sees them. Each module owns and migrates its own. */
export type DB = CounterTables & EventTables & AuditTables & MailTables & TimerTables & IdentityTables & TicketTables & CatalogTables & ChangeTables & SlaTables & SlaClockTables & EscalationTables & NotificationTables & EmailTables & SmsTables & KbTables & TimetrackingTables & ReportTables & WebhookTables & PhoneTables & SsoTables & FileTables & SecurityTables & CannedTables & MacroTables & ProblemTables & AutomationTables & TimeRuleTables;
export type Db = Kysely<DB>;

/** What a use case needs from the running application. */
export interface AppContext {
  db: Db;
  dialect: DialectName;
  config: Config;
  files: FileStore;
  clock: Clock;
  events: EventBus;
  /** Seals secrets for storing and opens stored ones (TIERDESK_SECRET_KEY); see stored-secrets.ts. */
  secrets: SecretBox;
}

/** The same application working inside a transaction: use cases then join it instead of opening one. */
export const within = (app: AppContext, trx: Db): AppContext => ({ ...app, db: trx, files: app.files.within(trx) });
