import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable Tierdesk reads, with its default. The README's configuration table
 * is written from this list; keep the two in step.
 */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'must start with postgres:// or sqlite:')
    .optional(),
  TIERDESK_DEMO: z.enum(['0', '1']).default('1'),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce.number().int().positive().default(12),
  REOPEN_WINDOW_DAYS: z.coerce.number().int().min(0).default(14),
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  ATTACHMENT_STORE: z.enum(['disk', 'database']).default('disk'),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(30),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().positive().default(15),
  PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().positive().default(60),
  L1_BUDGET_MINUTES: z.coerce.number().int().min(1).default(15),
  SLA_AT_RISK_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(120),
  SLA_AT_RISK_SHARE: z.enum(['0.75', '0.9']).default('0.75'),
  TRUST_PROXY: z.enum(['0', '1']).default('0'),
  VALIDATE_RESPONSES: z.enum(['0', '1']).default('0'),
  AUTH_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  LIST_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  MFA_REMEMBER_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  MAIL_FROM: z.string().min(3).default('Tierdesk <support@desk.test>'),
  MAIL_REPLY_TO: z.string().trim().email().default('support@desk.test'),
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/i, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  COOKIE_SECURE: z.enum(['0', '1']).optional(),
  DEV_TRACKER_URL: z.string().url().regex(/^https?:\/\//i, 'must be an http(s) URL').optional(),
  DEV_TRACKER_SECRET: z.string().min(16).optional(),
  SMTP_LISTEN_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SMTP_LISTEN_HOST: z.string().min(1).default('127.0.0.1'),
  EMAIL_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(30 * 1024 * 1024),
  EMAIL_SENDER_LIMIT: z.coerce.number().int().positive().default(20),
  EMAIL_SENDER_WINDOW_MINUTES: z.coerce.number().int().positive().default(10),
  EMAIL_IMAP_POLL_SECONDS: z.coerce.number().int().positive().default(60),
  SMTP_TLS_CERT: z.string().min(1).optional(),
  SMTP_TLS_KEY: z.string().min(1).optional(),
  SMTP_LISTEN_AUTH: z.string().regex(/^[^:\s]+:.{8,}$/, 'must be user:password (a password of 8 characters or more)').optional(),
  PROVIDER_TIME_ZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'unknown time zone')
    .default('Europe/Moscow'),
  PHONE_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as RU')
    .default('RU'),
  SMS_THREAD_WINDOW_HOURS: z.coerce.number().int().min(0).max(24 * 30).default(24),
  SMS_SENDER_LIMIT: z.coerce.number().int().positive().default(10),
  SMS_SENDER_WINDOW_MINUTES: z.coerce.number().int().positive().default(10),
  RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(90),
  EMAIL_ORIGINAL_RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(365),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').regex(/^\S+$/, 'must not contain spaces').optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(20),
  SHUTDOWN_DELAY_SECONDS: z.coerce.number().int().min(0).max(600).default(0),
  KB_IMAGE_HOSTS: z
    .string()
    .regex(/^\s*[a-z0-9.-]+(:\d+)?(\s*,\s*[a-z0-9.-]+(:\d+)?)*\s*$/i, 'must be host names separated by commas, such as images.example.com')
    .optional(),
  TIERDESK_SECRET_KEY: z
    .string()
    .trim()
    .regex(/^([0-9a-f]{64}|[A-Za-z0-9+/_-]{43}=?)$/i, 'must be 32 bytes as 64 hex digits or base64')
    .optional(),
}).superRefine((e, ctx) => {
  // Every call to the tracker is signed: a URL without the key would send unsigned hand-offs.
  if (e.DEV_TRACKER_URL && !e.DEV_TRACKER_SECRET)
    ctx.addIssue({ code: 'custom', path: ['DEV_TRACKER_SECRET'], message: 'required when DEV_TRACKER_URL is set' });
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  demo: boolean;
  publicUrl: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  sessionTtlHours: number;
  reopenWindowDays: number;
  attachmentMaxBytes: number;
  /** Where new attachments are stored: files under DATA_DIR, or the database (shared by several hosts). */
  attachmentStore: 'disk' | 'database';
  loginMaxFailures: number;
  loginLockoutMinutes: number;
  loginRateLimitPerMinute: number;
  passwordResetTtlMinutes: number;
  mailFrom: string;
  /** Where replies to outgoing mail go: the desk's address, which the e-mail channel reads. */
  mailReplyTo: string;
  /** The SMTP server outgoing mail is sent through; null: written as .eml files under DATA_DIR/mail. */
  smtpUrl: string | null;
  /** Attempts per message before it becomes a dead letter. */
  mailMaxAttempts: number;
  l1BudgetMinutes: number;
  /** A running clock is "at risk" when due within this many minutes, or past `slaAtRiskShare` of its target. */
  slaAtRiskMinutes: number;
  /** The share of a clock's target after which it is "at risk": one of the engine's warning shares. */
  slaAtRiskShare: 0.75 | 0.9;
  trustProxy: boolean;
  validateResponses: boolean;
  authCacheSeconds: number;
  /** How long a queue's page or count is kept while nothing is written (its time left ages meanwhile); 0: read at every request. */
  listCacheMs: number;
  /** How long a browser may skip the second factor after "remember this device"; 0: never offered. */
  mfaRememberDays: number;
  cookieSecure: boolean;
  /** The developers' tracker that hand-offs are posted to; null: hand-off is not configured. */
  devTrackerUrl: string | null;
  /** The HMAC key shared with that tracker, for both directions. */
  devTrackerSecret: string | null;
  /** The built-in SMTP listener's port (0: any free one); null: the listener is off. */
  smtpListenPort: number | null;
  smtpListenHost: string;
  /** The largest inbound message, whole (SMTP SIZE; larger IMAP messages are quarantined). */
  emailMaxMessageBytes: number;
  /** Inbound messages per sender per window; more are quarantined (mail storms, loops). */
  emailSenderLimit: number;
  emailSenderWindowMinutes: number;
  /** How often IMAP mailboxes are checked besides IDLE (which reports new mail at once). */
  emailImapPollSeconds: number;
  /** The SMTP listener's certificate and key (PEM files): STARTTLS is offered; null: plain only. */
  smtpTls: { certFile: string; keyFile: string } | null;
  /** Credentials relays must sign in with before they may send to the listener; null: no sign-in. */
  smtpListenAuth: { user: string; password: string } | null;
  /** The provider's own time zone: contract months, scheduled report periods, the reports' default. */
  providerTimeZone: string;
  /** The country of phone numbers written without a country code (ISO 3166 alpha-2). */
  phoneRegion: string;
  /** An SMS without a request number joins the sender's open request updated within this many hours. */
  smsThreadWindowHours: number;
  /** Inbound SMS per number per window; more are quarantined (loops, floods). */
  smsSenderLimit: number;
  smsSenderWindowMinutes: number;
  /** Fired timers, sent outbox rows and event rows older than this many days are purged daily; 0: kept. */
  retentionDays: number;
  /** The originals (.eml) of inbound e-mail older than this many days are removed daily; 0: kept. */
  emailOriginalRetentionDays: number;
  /** The Bearer token that opens GET /metrics on the app's port; null: no /metrics there. */
  metricsToken: string | null;
  /** A separate metrics listener's port (0: any free one); null: none. */
  metricsPort: number | null;
  metricsHost: string;
  /** The bound on a graceful stop (SIGTERM, SIGINT): past it the process exits anyway. */
  shutdownTimeoutSeconds: number;
  /** How long a stopping server stays "not ready" while still serving, for the balancer to notice. */
  shutdownDelaySeconds: number;
  /** Hosts whose images (https) KB pages may show; images from elsewhere become links. */
  kbImageHosts: string[];
  /** The key secrets are sealed with (hex or base64 of 32 bytes); null: DATA_DIR/secret.key, made on first start. */
  secretKey: string | null;
};

/** Thrown when the environment holds an invalid value; the message names the variable. */
export class ConfigError extends Error {}

/** Reads and validates the configuration; refuses (throws ConfigError) on any invalid value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable counts as unset, as in most shells' `VAR= command`.
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (!e.SMTP_TLS_CERT !== !e.SMTP_TLS_KEY) throw new ConfigError('Invalid configuration:\n  SMTP_TLS_CERT and SMTP_TLS_KEY: set both or neither');
  for (const [name, file] of [['SMTP_TLS_CERT', e.SMTP_TLS_CERT], ['SMTP_TLS_KEY', e.SMTP_TLS_KEY]] as const)
    if (file && !fs.existsSync(file)) throw new ConfigError(`Invalid configuration:\n  ${name}: no such file ${file}`);
  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'tierdesk.db')}`,
    demo: e.TIERDESK_DEMO === '1',
    publicUrl: publicUrl.replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    reopenWindowDays: e.REOPEN_WINDOW_DAYS,
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    attachmentStore: e.ATTACHMENT_STORE,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockoutMinutes: e.LOGIN_LOCKOUT_MINUTES,
    loginRateLimitPerMinute: e.LOGIN_RATE_LIMIT_PER_MINUTE,
    passwordResetTtlMinutes: e.PASSWORD_RESET_TTL_MINUTES,
    mailFrom: e.MAIL_FROM,
    mailReplyTo: e.MAIL_REPLY_TO,
    smtpUrl: e.SMTP_URL ?? null,
    mailMaxAttempts: e.MAIL_MAX_ATTEMPTS,
    l1BudgetMinutes: e.L1_BUDGET_MINUTES,
    slaAtRiskMinutes: e.SLA_AT_RISK_MINUTES,
    slaAtRiskShare: e.SLA_AT_RISK_SHARE === '0.9' ? 0.9 : 0.75,
    trustProxy: e.TRUST_PROXY === '1',
    validateResponses: e.VALIDATE_RESPONSES === '1',
    authCacheSeconds: e.AUTH_CACHE_SECONDS,
    listCacheMs: e.LIST_CACHE_MS,
    mfaRememberDays: e.MFA_REMEMBER_DAYS,
    cookieSecure: e.COOKIE_SECURE ? e.COOKIE_SECURE === '1' : publicUrl.startsWith('https:'),
    devTrackerUrl: e.DEV_TRACKER_URL ?? null,
    devTrackerSecret: e.DEV_TRACKER_SECRET ?? null,
    smtpListenPort: e.SMTP_LISTEN_PORT ?? null,
    smtpListenHost: e.SMTP_LISTEN_HOST,
    emailMaxMessageBytes: e.EMAIL_MAX_MESSAGE_BYTES,
    emailSenderLimit: e.EMAIL_SENDER_LIMIT,
    emailSenderWindowMinutes: e.EMAIL_SENDER_WINDOW_MINUTES,
    emailImapPollSeconds: e.EMAIL_IMAP_POLL_SECONDS,
    smtpTls: e.SMTP_TLS_CERT && e.SMTP_TLS_KEY ? { certFile: path.resolve(e.SMTP_TLS_CERT), keyFile: path.resolve(e.SMTP_TLS_KEY) } : null,
    smtpListenAuth: e.SMTP_LISTEN_AUTH
      ? { user: e.SMTP_LISTEN_AUTH.slice(0, e.SMTP_LISTEN_AUTH.indexOf(':')), password: e.SMTP_LISTEN_AUTH.slice(e.SMTP_LISTEN_AUTH.indexOf(':') + 1) }
      : null,
    providerTimeZone: e.PROVIDER_TIME_ZONE,
    phoneRegion: e.PHONE_REGION,
    smsThreadWindowHours: e.SMS_THREAD_WINDOW_HOURS,
    smsSenderLimit: e.SMS_SENDER_LIMIT,
    smsSenderWindowMinutes: e.SMS_SENDER_WINDOW_MINUTES,
    retentionDays: e.RETENTION_DAYS,
    emailOriginalRetentionDays: e.EMAIL_ORIGINAL_RETENTION_DAYS,
    metricsToken: e.METRICS_TOKEN ?? null,
    metricsPort: e.METRICS_PORT ?? null,
    metricsHost: e.METRICS_HOST,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    shutdownDelaySeconds: e.SHUTDOWN_DELAY_SECONDS,
    kbImageHosts: (e.KB_IMAGE_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
    secretKey: e.TIERDESK_SECRET_KEY ?? null,
  };
}
