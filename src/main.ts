import { parseArgs } from 'node:util';
import crypto from 'node:crypto';
import pino from 'pino';
import { buildTierdesk, openContext, VERSION } from './app.js';
import { drainHttp } from './core/http/lifecycle.js';
import { startMetricsListener } from './core/http/operations.js';
import { processInfo } from './core/observability/metrics.js';
import { ConfigError, loadConfig } from './core/config/config.js';
import { DEMO_LOGINS, DEMO_PASSWORD, isEmpty, seedDemo } from './demo/seed.js';
import { createAdmin } from './modules/identity/directory.service.js';
import { startWorker } from './worker.js';
import { startImapIntake, startSmtpIntake } from './modules/channels/email/index.js';

const HELP = `Usage: tierdesk <command> [options]

Commands:
  all            serve the API and run the background work in one process (the default)
  serve          serve the API only (several may run behind a load balancer, on PostgreSQL)
  worker         run the background work only
  migrate        apply pending database migrations and exit
  seed-demo      load the demo data set into an empty database
  create-admin   create an administrator: --email, --name (password from TIERDESK_ADMIN_PASSWORD,
                 or generated and printed)

Configuration comes from environment variables; see the README.`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, email: { type: 'string' }, name: { type: 'string' } },
  });
  const command = positionals[0] ?? 'all';
  if (values.help || command === 'help') return console.log(HELP);
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });

  switch (command) {
    case 'migrate': {
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
  if (err instanceof ConfigError || err instanceof UsageError) {
    console.error(err.message);
    if (err instanceof UsageError) console.error(`\n${HELP}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
