import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { sql } from 'kysely';
import { systemClock, type Clock } from './core/clock/clock.js';
import type { Config } from './core/config/config.js';
import { openDatabase, type OpenOptions } from './core/db/connect.js';
import { migrateToLatest } from './core/db/migrate.js';
import { EventBus } from './core/events/events.js';
import { createHttpServer, type HttpServer } from './core/http/server.js';
import { openFileStores } from './core/storage/stores.js';
import { loadSecretKey, secretBox } from './core/crypto/secrets.js';
import { sealStoredSecrets } from './modules/stored-secrets.js';
import type { AppContext, DB } from './modules/db.js';
import { actorOf, registerAuthentication } from './modules/identity/http/auth.hooks.js';
import { identityRoutes } from './modules/identity/http/identity.routes.js';
import { allMigrations } from './modules/migrations.js';
import { subscribeModules } from './modules/wiring.js';
import { ticketRoutes } from './modules/tickets/http/tickets.routes.js';
import { calendarRoutes } from './modules/sla/http/calendars.routes.js';
import { slaRoutes } from './modules/sla/http/sla.routes.js';
import { handoffRoutes } from './modules/escalation/http/handoff.routes.js';
import { lineBudgetRoutes } from './modules/escalation/http/line-budget.routes.js';
import { emailRoutes } from './modules/channels/email/index.js';
import { smsRoutes } from './modules/channels/sms/index.js';
import { notificationRoutes } from './modules/notifications/index.js';
import { kbPageRoutes, kbSearchRoutes } from './modules/kb/index.js';
import { timetrackingRoutes } from './modules/timetracking/index.js';
import { ensureReportSchedules, reportRoutes } from './modules/reports/index.js';
import { ensureRetentionSchedule } from './modules/retention/index.js';
import { ensureTimeRuleSchedule } from './modules/automation/time-rules.js';
import { webhookRoutes } from './modules/webhooks/index.js';
import { phoneRoutes } from './modules/channels/phone/index.js';
import { problemRoutes } from './modules/problems/index.js';
import { cannedRoutes } from './modules/canned/index.js';
import { macroRoutes } from './modules/macros/index.js';
import { automationRoutes } from './modules/automation/index.js';
import { catalogRoutes } from './modules/catalog/index.js';
import { changeRoutes } from './modules/changes/index.js';
import { landingPage } from './landing.js';
import { serveWebApp } from './core/http/static.js';
import { serveApiDocs } from './core/http/docs.js';
import { LiveHub } from './core/realtime/hub.js';
import { liveRoutes } from './core/realtime/sse.js';
import { operationsRoutes } from './core/http/operations.js';
import { liveAudience, liveListener, presenceRoutes, publishLiveChanges } from './modules/live.js';

export const VERSION = '0.1.0';

export interface Tierdesk {
  app: AppContext;
  http: HttpServer;
  logger: Logger;
  close(): Promise<void>;
}

/** Opens the database (applying migrations) and the context every use case runs in. */
export async function openContext(config: Config, db: OpenOptions = {}, clock: Clock = systemClock) {
  const handle = openDatabase<DB>(config.databaseUrl, db);
  await migrateToLatest(handle.db, handle.dialect, allMigrations);
  const fileStores = openFileStores(config.attachmentStore, config.dataDir, handle.db, () => clock.now());
  // Secrets at rest: plaintext ones of old are sealed now; a key that does not open them stops the start.
  const secrets = secretBox(loadSecretKey(config).key);
  try {
    await sealStoredSecrets(handle.db, secrets);
  } catch (err) {
    await handle.close();
    throw err;
  }
  const app: AppContext = {
    db: handle.db,
    dialect: handle.dialect,
    config,
    files: fileStores.files,
    clock,
    events: new EventBus(),
    secrets,
  };
  subscribeModules(app);
  // The weekly and monthly report e-mails: their first timers, unless already set.
  await ensureReportSchedules(app);
  // The daily purge of operational rows past their age (RETENTION_DAYS and the like).
  await ensureRetentionSchedule(app);
  // The time rules' pass, each minute.
  await ensureTimeRuleSchedule(app);
  // Live updates to the web app, published with each change and heard after its commit.
  const live = new LiveHub(handle.db, handle.dialect, liveAudience(handle.db), { url: config.databaseUrl, schema: db.pgSchema });
  publishLiveChanges(app, live);
  return {
    app,
    live,
    /** Both attachment stores, for `tierdesk attachments move`. */
    fileStores: fileStores.stores,
    async close() {
      await live.close();
      await handle.close();
    },
  };
}

/** The whole application, routes registered, not yet listening. */
export async function buildTierdesk(
  config: Config,
  options: { db?: OpenOptions; logger?: Logger; clock?: Clock } = {},
): Promise<Tierdesk> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const { app, live, close } = await openContext(config, options.db, options.clock);
  const http = await createHttpServer({ logger, maxFileBytes: config.attachmentMaxBytes, trustProxy: config.trustProxy, validateResponses: config.validateResponses, title: 'Tierdesk API', version: VERSION });
  registerAuthentication(http, app);

  http.get('/api/v1/health', { config: { public: true }, schema: { tags: ['system'], response: { 200: z.object({ status: z.literal('ok'), database: z.string(), version: z.string() }) } } }, async () => {
    await sql`select 1`.execute(app.db);
    return { status: 'ok' as const, database: app.dialect, version: VERSION };
  });
  // Readiness for the load balancer, and /metrics on this port when METRICS_TOKEN is set.
  operationsRoutes(http, { db: app.db, clock: app.clock, migrations: allMigrations.map((m) => m.name), metricsToken: config.metricsToken });
  // Liveness without touching the database; also the baseline that `npm run bench` compares with.
  http.get('/api/v1/ping', { config: { public: true }, schema: { hide: true } }, async () => ({ ok: true }));
  http.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => http.swagger());
  await serveApiDocs(http);
  await serveWebApp(http, landingPage, { imageHosts: config.kbImageHosts });
  liveRoutes(http, live, (req) => liveListener(actorOf(req)));
  presenceRoutes(http, app, live);

  await identityRoutes(http, app);
  await ticketRoutes(http, app);
  await calendarRoutes(http, app);
  await slaRoutes(http, app);
  await handoffRoutes(http, app);
  lineBudgetRoutes(http, app);
  await emailRoutes(http, app);
  await smsRoutes(http, app);
  await notificationRoutes(http, app);
  await kbPageRoutes(http, app);
  await kbSearchRoutes(http, app);
  await timetrackingRoutes(http, app);
  await reportRoutes(http, app);
  await phoneRoutes(http, app);
  await webhookRoutes(http, app);
  await problemRoutes(http, app);
  await cannedRoutes(http, app);
  await macroRoutes(http, app);
  await automationRoutes(http, app);
  await catalogRoutes(http, app);
  await changeRoutes(http, app);
  await http.ready();
  return {
    app,
    http,
    logger,
    async close() {
      await http.close();
      await close();
    },
  };
}
