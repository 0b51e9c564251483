import { parseArgs } from 'node:util';
import crypto from 'node:crypto';
import pino from 'pino';
import { buildTierdesk, openContext } from './app.js';
import { ConfigError, loadConfig } from './core/config/config.js';
import { DEMO_LOGINS, DEMO_PASSWORD, isEmpty, seedDemo } from './demo/seed.js';
import { createAdmin } from './modules/identity/directory.service.js';
import { startWorker } from './worker.js';
import { startImapIntake, startSmtpIntake } from './modules/channels/email/index.js';
import { SecretKeyError } from './core/crypto/secrets.js';
import { rotateSecretKey } from './rotate-secret-key.js';

const HELP = `Usage: tierdesk <command> [options]

Commands:
  all            serve the API and run the background work in one process (the default)
  serve          serve the API only (several may run behind a load balancer, on PostgreSQL)
  worker         run the background work only
  migrate        apply pending database migrations and exit
  seed-demo      load the demo data set into an empty database
  create-admin   create an administrator: --email, --name (password from TIERDESK_ADMIN_PASSWORD,
                 or generated and printed)
  rotate-secret-key
                 re-seal every stored secret with a new key (TIERDESK_NEW_SECRET_KEY, or generated)
                 in one transaction, and say what to set; stop the other processes first

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
      announce(process.env.PUBLIC_URL ? config.publicUrl : url, command, config.demo);
      if (smtp) console.log(`Inbound mail (SMTP) is accepted at ${smtp.host}:${smtp.port}\n`);
      const stop = async () => {
        worker?.stop();
        await smtp?.close();
        await imap?.stop();
        await td.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
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
  if (err instanceof ConfigError || err instanceof UsageError || err instanceof SecretKeyError) {
    console.error(err.message);
    if (err instanceof UsageError) console.error(`\n${HELP}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
