import { parseArgs } from 'node:util';
import crypto from 'node:crypto';
import fs from 'node:fs';
import pino from 'pino';
import { buildTierdesk, openContext, VERSION } from './app.js';
import { drainHttp } from './core/http/lifecycle.js';
import { startMetricsListener } from './core/http/operations.js';
import { processInfo } from './core/observability/metrics.js';
import { ConfigError, loadConfig } from './core/config/config.js';
import { DEMO_LOGINS, DEMO_PASSWORD, isEmpty, seedDemo } from './demo/seed.js';
import { createAdmin } from './modules/identity/directory.service.js';
import { startWorker } from './worker.js';
import { moveFiles } from './core/storage/files.js';
import { startImapIntake, startSmtpIntake } from './modules/channels/email/index.js';
import { backup, BackupError, restore } from './core/backup/backup.js';
import { PgToolsMissing } from './core/backup/pg-tools.js';
import { openDatabase } from './core/db/connect.js';
import { migrationPlan, SchemaTooNew } from './core/db/migrate.js';
import { allMigrations } from './modules/migrations.js';
import { SecretKeyError } from './core/crypto/secrets.js';
import { rotateSecretKey } from './rotate-secret-key.js';

const HELP = `Usage: tierdesk <command> [options]

Commands:
  all            serve the API and run the background work in one process (the default)
  serve          serve the API only (several may run behind a load balancer, on PostgreSQL)
  worker         run the background work only
  migrate        apply pending database migrations and exit; --dry-run lists them and changes nothing
  seed-demo      load the demo data set into an empty database
  create-admin   create an administrator: --email, --name (password from TIERDESK_ADMIN_PASSWORD,
                 or generated and printed)
  backup FILE    write a backup (database + attachments) to FILE, one archive; safe while the app runs
  restore FILE   restore a backup into an empty DATA_DIR / database; --force replaces existing data
                 (stop the app first)
  attachments move --to database|disk
                 move the stored attachments into the database or onto the disk (DATA_DIR);
                 safe to run again, and it carries on where an interrupted run stopped
  rotate-secret-key
                 re-seal every stored secret with a new key (TIERDESK_NEW_SECRET_KEY, or generated)
                 in one transaction, and say what to set; stop the other processes first

Configuration comes from environment variables; see the README.`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      email: { type: 'string' },
      name: { type: 'string' },
      'dry-run': { type: 'boolean' },
      force: { type: 'boolean' },
      to: { type: 'string' },
    },
  });
  const command = positionals[0] ?? 'all';
  if (values.help || command === 'help') return console.log(HELP);
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });

  switch (command) {
    case 'migrate': {
      if (values['dry-run']) return await dryRun(config.databaseUrl);
      const { close } = await openContext(config);
      await close();
      return console.log('Migrations applied.');
    }
    case 'seed-demo': {
      const { app, close } = await openContext(config);
      await seedDemo(app);
      await close();
      return console.log('Demo data loaded.');
    }
    case 'create-admin': {
      if (!values.email || !values.name) throw new UsageError('create-admin needs --email and --name');
      const password = process.env.TIERDESK_ADMIN_PASSWORD ?? crypto.randomBytes(12).toString('base64url');
      const { app, close } = await openContext(config);
      await createAdmin(app, { email: values.email, name: values.name, password });
      await close();
      console.log(`Administrator ${values.email} created.`);
      if (!process.env.TIERDESK_ADMIN_PASSWORD) console.log(`Password: ${password}`);
      return;
    }
    case 'backup': {
      const file = positionals[1];
      if (!file) throw new UsageError('backup needs the FILE to write');
      const m = await backup({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, file, { appVersion: VERSION });
      return console.log(`Backup of the ${m.engine} database (${m.migrations.length} migrations) and attachments written to ${file}.`);
    }
    case 'restore': {
      const file = positionals[1];
      if (!file) throw new UsageError('restore needs the backup FILE to read');
      const target = { databaseUrl: config.databaseUrl, dataDir: config.dataDir };
      const m = await restore(target, file, { knownMigrations: allMigrations.map((x) => x.name), force: values.force });
      return console.log(`Restored the backup of ${m.createdAt} (${m.engine}, ${m.migrations.length} migrations) into ${config.dataDir}. Start Tierdesk on it as before.`);
    }
    case 'attachments': {
      const to = values.to;
      if (positionals[1] !== 'move' || (to !== 'database' && to !== 'disk')) throw new UsageError('Usage: tierdesk attachments move --to database|disk');
      const from = to === 'database' ? 'disk' : 'database';
      const { fileStores, close } = await openContext(config);
      const where = { disk: `the disk (${config.dataDir}/attachments)`, database: 'the database' };
      console.log(`Moving attachments from ${where[from]} to ${where[to]}…`);
      const r = await moveFiles(fileStores[from], fileStores[to], (p) => console.log(`  ${p.moved + p.alreadyThere} files…`));
      await close();
      console.log(`Moved ${r.moved} files (${r.bytes} bytes) to ${where[to]}; ${r.alreadyThere} were already there.`);
      if (to !== config.attachmentStore) console.log(`Note: ATTACHMENT_STORE is ${config.attachmentStore}; new attachments still go to ${where[config.attachmentStore]}.`);
      return;
    }
    case 'rotate-secret-key':
      return console.log(await rotateSecretKey(config, process.env.TIERDESK_NEW_SECRET_KEY || null));
    case 'all':
    case 'serve':
    case 'worker': {
      const td = await buildTierdesk(config, { logger });
      if (config.demo && (await isEmpty(td.app))) {
        await seedDemo(td.app);
        logger.info('demo data loaded into the empty database');
      }
      const worker = command !== 'serve' ? startWorker(td.app, logger) : null;
      // Inbound mail: IMAP mailboxes are polled by the background roles, the SMTP listener runs with the API.
      const imap = command !== 'serve' ? startImapIntake(td.app, logger) : null;
      const url = command === 'worker' ? '' : await td.http.listen({ port: config.port, host: config.host });
      // On any free port (PORT=0) the links the app writes name the port it got.
      if (url && config.port === 0 && !process.env.PUBLIC_URL) td.app.config.publicUrl = url;
      const smtp =
        command !== 'worker' && config.smtpListenPort !== null
          ? await startSmtpIntake(td.app, logger, { host: config.smtpListenHost, port: config.smtpListenPort })
          : null;
      // Prometheus's own listener (METRICS_PORT): a worker's only one, and /metrics off the public port.
      const metrics =
        config.metricsPort !== null
          ? await startMetricsListener({ db: td.app.db, clock: td.app.clock, host: config.metricsHost, port: config.metricsPort, token: config.metricsToken })
          : null;
      processInfo.set({ role: command, version: VERSION }, 1);
      announce(process.env.PUBLIC_URL ? config.publicUrl : url, command, config.demo);
      if (smtp) console.log(`Inbound mail (SMTP) is accepted at ${smtp.host}:${smtp.port}\n`);
      if (metrics) console.log(`Metrics are served at ${metrics.url}\n`);
      // A graceful stop: not ready at once, no new requests, those in flight finished, the worker's
      // claims given back, live streams ended; bounded by SHUTDOWN_TIMEOUT_SECONDS. A second signal
      // stops at once.
      let stopping = false;
      const stop = async (signal: NodeJS.Signals) => {
        if (stopping) {
          logger.warn({ signal }, 'stopping at once on a second signal');
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal, timeoutSeconds: config.shutdownTimeoutSeconds }, 'stopping: draining requests and background work');
        setTimeout(() => {
          logger.error({ timeoutSeconds: config.shutdownTimeoutSeconds }, 'not stopped within SHUTDOWN_TIMEOUT_SECONDS: exiting anyway');
          process.exit(1);
        }, config.shutdownTimeoutSeconds * 1000).unref();
        try {
          await Promise.all([
            url ? drainHttp(td.http, config.shutdownDelaySeconds * 1000) : undefined,
            worker?.stop(),
            smtp?.close(),
            imap?.stop(),
          ]);
          await metrics?.close();
          await td.close();
        } catch (err) {
          logger.error({ err }, 'error while stopping');
          process.exit(1);
        }
        logger.info('stopped');
        process.exit(0);
      };
      process.on('SIGINT', (s) => void stop(s));
      process.on('SIGTERM', (s) => void stop(s));
      return;
    }
    default:
      throw new UsageError(`Unknown command ${command}`);
  }
}

/** Lists the migrations `migrate` would apply, changing nothing. */
async function dryRun(databaseUrl: string) {
  // No database yet: everything would run (and opening one would create the file).
  if (databaseUrl.startsWith('sqlite:') && !fs.existsSync(databaseUrl.slice('sqlite:'.length))) {
    console.log(`${allMigrations.length} migrations would run (no database yet):`);
    for (const name of allMigrations.map((m) => m.name).sort()) console.log(`  ${name}`);
    return;
  }
  const h = openDatabase(databaseUrl);
  try {
    const { pending, unknown } = await migrationPlan(h.db, h.dialect, allMigrations);
    if (unknown.length) throw new SchemaTooNew(unknown);
    if (!pending.length) return console.log('The database is up to date: no migration would run.');
    console.log(`${pending.length} migrations would run:`);
    for (const name of pending) console.log(`  ${name}`);
  } finally {
    await h.close();
  }
}

function announce(url: string, command: string, demo: boolean) {
  if (command === 'worker') return console.log('Tierdesk worker running.');
  console.log(`\nTierdesk is running at ${url}\n  API: ${url}/api/v1   OpenAPI: ${url}/api/v1/openapi.json`);
  if (demo) {
    console.log(`\nDemo logins (password "${DEMO_PASSWORD}" for all):`);
    for (const [email, who] of DEMO_LOGINS) console.log(`  ${email.padEnd(22)} ${who}`);
  }
  console.log('');
}

class UsageError extends Error {}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof UsageError || err instanceof SecretKeyError) {
    console.error(err.message);
    if (err instanceof UsageError) console.error(`\n${HELP}`);
    process.exit(2);
  }
  // Refusals that explain themselves: the message, not a stack trace.
  if (err instanceof BackupError || err instanceof PgToolsMissing || err instanceof SchemaTooNew) {
    console.error(err.message);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
