/**
 * Inbound e-mail throughput: messages per second through the built-in SMTP listener to committed
 * requests (each message's SPF, DKIM, DMARC and ARC checked, parsed, its sender found, a request
 * created with its timeline, SLA clocks and audit rows, the message recorded, all in one
 * transaction before the 250), against a baseline measured in the same run: the same SMTP
 * conversations with a listener that accepts and discards. The messages are DKIM-signed, their
 * domains publish SPF and DMARC; DNS is answered in process (no network). The relay's clients run
 * in a thread of their own (see CLIENT).
 * Prints one JSON object per measurement (and returns them); progress on stderr.
 *
 * Env: BENCH_EMAIL_MESSAGES (per measurement, default 3000); BENCH_EMAIL_CONNECTIONS (default 20);
 * BENCH_EMAIL_PROFILE (a folder: the main thread's CPU profile of each measurement written there);
 * BENCH_DATABASE_URL (postgres://…: also
 * measured there, in a fresh schema dropped afterwards).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import pino from 'pino';
import { buildTierdesk, type Tierdesk } from '../src/app.js';
import { loadConfig } from '../src/core/config/config.js';
import { countStatements } from '../src/core/db/connect.js';
import { seedDemo } from '../src/demo/seed.js';
import { startSmtpIntake } from '../src/modules/channels/email/index.js';
import { poolSize } from '../src/modules/channels/email/read.js';
import { startSmtpListener } from '../src/modules/channels/email/transport/smtp-listener.js';
import { dkimKey, memoryResolver, signDkim, type Zone } from '../test/support/mail-dns.js';

const MESSAGES = Number(process.env.BENCH_EMAIL_MESSAGES ?? 3000);
const WARMUP = Math.min(300, MESSAGES);
/**
 * Concurrent SMTP connections, as a relay delivering a queue to the desk would open (Postfix's
 * default per-destination concurrency is 20). Each carries one message at a time (SMTP allows no
 * more: a message's data ends a pipelined group), so fewer would make the client the limit.
 */
const CONNECTIONS = Number(process.env.BENCH_EMAIL_CONNECTIONS ?? 20);
const TARGET = 300;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const SENDERS = [
  ['Alice Petrova', 'alice@client-a.test'],
  ['Dmitry Sokolov', 'dmitry@client-a.test'],
  ['Bob Smith', 'bob@client-b.test'],
  ['Carol Orlova', 'carol@client-c.test'],
] as const;

const key = dkimKey();
/** Each client domain signs with DKIM, lets this machine send for it (SPF) and publishes DMARC p=reject. */
const ZONE: Zone = Object.fromEntries(
  [...new Set(SENDERS.map(([, a]) => a.split('@')[1]!))].flatMap((d) => [
    [d, { TXT: [['v=spf1 ip4:127.0.0.1 -all']] }],
    [`bench._domainkey.${d}`, { TXT: key.txt }],
    [`_dmarc.${d}`, { TXT: [['v=DMARC1; p=reject']] }],
  ]),
);

/**
 * The messages of one measurement, DKIM-signed by their sender's domain and dot-stuffed for DATA,
 * ending with the end-of-data line (all before the clock starts: the client's work is no part of the
 * listener's). `bytes`: the message's size before stuffing.
 */
async function messages(count: number, run: string): Promise<{ wire: Buffer; bytes: number }[]> {
  const out: { wire: Buffer; bytes: number }[] = [];
  for (let i = 0; i < count; i++) {
    const raw = await signDkim(message(i, run), SENDERS[i % SENDERS.length]![1].split('@')[1]!, 'bench', key.privateKey);
    // Dot-stuffing: a line starting with "." gets another.
    out.push({ wire: Buffer.concat([Buffer.from(raw.toString('latin1').replace(/\r\n\./g, '\r\n..'), 'latin1'), Buffer.from('\r\n.\r\n')]), bytes: raw.length });
  }
  return out;
}

/** A message shaped like Outlook's: multipart/alternative, text and HTML, about 2.5 KB. */
function message(i: number, run: string): Buffer {
  const [name, address] = SENDERS[i % SENDERS.length]!;
  const text = `Hello,\r\n\r\nThe printer in room ${i % 40} jams on every second page since this morning (run ${run}, message ${i}).\r\nWe restarted it twice; the display shows E-${200 + (i % 50)}.\r\n\r\nKind regards,\r\n${name}\r\n`;
  const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p.MsoNormal{margin:0cm;font-family:"Calibri",sans-serif;}</style></head><body lang="EN-US"><div class="WordSection1"><p class="MsoNormal">Hello,</p><p class="MsoNormal">The printer in room ${i % 40} jams on every second page since this morning (run ${run}, message ${i}).</p><p class="MsoNormal">We restarted it twice; the display shows E-${200 + (i % 50)}.</p><p class="MsoNormal">Kind regards,<br>${name}</p></div></body></html>`;
  return Buffer.from(
    [
      `Received: from mail.client.test (mail.client.test [203.0.113.10]) by mx.desk.test (Postfix) with ESMTPS; Wed, 25 Nov 2026 09:12:03 +0300`,
      `From: ${name} <${address}>`,
      'To: "Service Desk" <support@desk.test>',
      `Subject: Printer in room ${i % 40} jams (${run}-${i})`,
      'Date: Wed, 25 Nov 2026 06:12:01 +0000',
      `Message-ID: <bench-${run}-${i}@client.test>`,
      'X-Mailer: Microsoft Outlook 16.0',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="_000_bench_"',
      '',
      '--_000_bench_',
      'Content-Type: text/plain; charset="utf-8"',
      'Content-Transfer-Encoding: 8bit',
      '',
      text,
      '--_000_bench_',
      'Content-Type: text/html; charset="utf-8"',
      'Content-Transfer-Encoding: 8bit',
      '',
      html,
      '--_000_bench_--',
      '',
    ].join('\r\n'),
  );
}

/**
 * The relay's side: plain SMTP clients, CONNECTIONS connections, each carrying one transaction at a
 * time and awaiting each reply, in a thread of their own. A real relay is another process (mostly on
 * another machine): in the listener's thread, as they were, the clients' work (their socket writes
 * and the kernel's loopback work under them, their reading of replies: about 2 % of that thread's
 * time) was charged to the listener, and each of their steps waited for its turn in its event loop.
 * Plain JavaScript (the thread runs it as it is). It is told the port, the messages and their
 * senders; it answers `start` once its connections are open and greeted, the clock then starting,
 * then the seconds the messages took and each one's time, or the first failure.
 */
const CLIENT = String.raw`
const net = require('node:net');
const { parentPort } = require('node:worker_threads');

async function session(port) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let buffer = '';
  // Replies that came before anyone asked (pipelined commands are answered together), and askers.
  const replies = [];
  const waiting = [];
  socket.on('data', (d) => {
    buffer += d.toString('latin1');
    for (let i; (i = buffer.indexOf('\r\n')) >= 0;) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      // A multi-line reply ends with the line whose code is followed by a space.
      if (!/^\d{3} /.test(line)) continue;
      const w = waiting.shift();
      if (w) w(line);
      else replies.push(line);
    }
  });
  const reply = () => new Promise((resolve) => (replies.length ? resolve(replies.shift()) : waiting.push(resolve)));
  const expect = async (code, what) => {
    const line = await reply();
    if (!line.startsWith(code)) throw new Error(what + ': ' + line);
  };
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  await expect('220', 'greeting');
  socket.write('EHLO bench.local\r\n');
  await expect('250', 'EHLO');
  return {
    // A message in its wire form: the envelope pipelined (RFC 2920), then its data.
    async send(wire, from) {
      socket.write('MAIL FROM:<' + from + '>\r\nRCPT TO:<support@desk.test>\r\nDATA\r\n');
      await expect('250', 'MAIL FROM');
      await expect('250', 'RCPT TO');
      await expect('354', 'DATA');
      socket.write(wire);
      await expect('250', 'end of DATA');
    },
    close: () => socket.end('QUIT\r\n'),
  };
}

parentPort.once('message', async ({ port, wires, froms, connections }) => {
  try {
    const sessions = await Promise.all(Array.from({ length: connections }, () => session(port)));
    const latencies = [];
    let next = 0;
    parentPort.postMessage({ kind: 'start' });
    const t0 = performance.now();
    await Promise.all(
      sessions.map(async (s) => {
        for (let i; (i = next++) < wires.length;) {
          const start = performance.now();
          await s.send(wires[i], froms[i]);
          latencies.push(performance.now() - start);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    for (const s of sessions) s.close();
    parentPort.postMessage({ kind: 'done', seconds, latencies });
  } catch (err) {
    parentPort.postMessage({ kind: 'failed', message: String(err && err.stack || err) });
  }
});
`;

/** Sends the messages from the client thread; the seconds they took, each one's time, and when the clock started. */
function sendAll(port: number, raws: { wire: Buffer }[], started: () => void): Promise<{ seconds: number; latencies: number[] }> {
  const worker = new Worker(CLIENT, { eval: true });
  const froms = raws.map((_, i) => SENDERS[i % SENDERS.length]![1]);
  return new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (m: { kind: 'start' } | { kind: 'done'; seconds: number; latencies: number[] } | { kind: 'failed'; message: string }) => {
      if (m.kind === 'start') return started();
      void worker.terminate();
      if (m.kind === 'done') resolve(m);
      else reject(new Error(m.message));
    });
    worker.postMessage({ port, wires: raws.map((r) => r.wire), froms, connections: CONNECTIONS });
  });
}

/**
 * The processor time this process's main thread used so far, in ms (Linux: the thread's own counters,
 * in 10 ms ticks; elsewhere the whole process's, worker threads included).
 */
function mainThreadCpuMs(): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

/**
 * Sends the messages over CONNECTIONS connections (from the client thread, see CLIENT); the time of
 * each, and of the whole, and the processor time of this process's main thread (the listener's and
 * the database's) per message, and of all its threads (the reading threads' too, and the clients':
 * on a loaded machine they share its processors, and this is what a message costs in all).
 */
async function drive(port: number, raws: { wire: Buffer }[]) {
  const count = raws.length;
  let cpu0 = 0;
  let all0 = process.cpuUsage();
  const { seconds, latencies } = await sendAll(port, raws, () => {
    cpu0 = mainThreadCpuMs();
    all0 = process.cpuUsage();
  });
  const cpu = mainThreadCpuMs() - cpu0;
  const all = process.cpuUsage(all0);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2));
  return {
    messagesPerSecond: Math.round(count / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    mainThreadCpuMsPerMessage: Number((cpu / count).toFixed(2)),
    mainThreadCpuShare: Number((cpu / 1000 / seconds).toFixed(2)),
    // Every thread's: the reading threads', the clients', libuv's and the database's checkpoints too (the machine's cost).
    processCpuMsPerMessage: Number(((all.user + all.system) / 1000 / count).toFixed(2)),
  };
}

/**
 * Runs `fn` under V8's sampling profiler when BENCH_EMAIL_PROFILE names a folder: the main thread's
 * profile of the measured part alone (no warm-up, no signing) is written there as `<name>.cpuprofile`.
 */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_EMAIL_PROFILE;
  if (!dir) return fn();
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

async function pgQuery(url: string, query: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(query).finally(() => c.end());
}

async function benchDatabase(database: 'sqlite' | 'postgres'): Promise<object[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-bench-email-'));
  const pgUrl = database === 'postgres' ? process.env.BENCH_DATABASE_URL! : undefined;
  const schema = pgUrl ? `bench_${crypto.randomBytes(6).toString('hex')}` : undefined;
  let td: Tierdesk | undefined;
  const closers: (() => Promise<void>)[] = [];
  try {
    if (schema) await pgQuery(pgUrl!, `create schema ${schema}`);
    // Senders write far more often than people do: the storm limit would hold them back.
    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      TIERDESK_DEMO: '0',
      EMAIL_SENDER_LIMIT: '100000000',
      ...(pgUrl && { DATABASE_URL: pgUrl }),
    });
    td = await buildTierdesk(config, { db: { pgSchema: schema }, logger: pino({ level: 'silent' }) });
    await seedDemo(td.app);

    const desk = await startSmtpIntake(td.app, pino({ level: 'silent' }), { host: '127.0.0.1', port: 0, resolver: memoryResolver(ZONE) });
    closers.push(desk.close);
    const discard = await startSmtpListener({
      host: '127.0.0.1',
      port: 0,
      maxBytes: config.emailMaxMessageBytes,
      handler: { acceptRecipient: async () => true, deliver: async () => undefined },
    });
    closers.push(discard.close);

    const run = crypto.randomBytes(3).toString('hex');
    log(`email intake on ${database}: warm-up ${WARMUP} messages`);
    await drive(discard.port, await messages(WARMUP, `${run}w0`));
    await drive(desk.port, await messages(WARMUP, `${run}w1`));
    // The same signed messages to both listeners (the baseline's are forgotten: each is new to the desk).
    const measuredMessages = await messages(MESSAGES, `${run}m`);
    log(`email intake on ${database}: baseline, ${MESSAGES} messages to a listener that discards them`);
    const baseline = await drive(discard.port, measuredMessages);
    log(`email intake on ${database}: ${MESSAGES} messages to committed requests`);
    const before = Number(
      (
        await td.app.db
          .selectFrom('tickets')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const { count: statements, result: measured } = await profiled(`email-intake-${database}`, () => countStatements(() => drive(desk.port, measuredMessages)));
    const after = Number(
      (
        await td.app.db
          .selectFrom('tickets')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const created = after - before;
    if (created !== MESSAGES) throw new Error(`${MESSAGES} messages made ${created} requests`);
    const verified = Number(
      (
        await td.app.db
          .selectFrom('email_messages')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('auth_verdict', '=', 'pass')
          .executeTakeFirstOrThrow()
      ).n,
    );
    if (verified !== MESSAGES + WARMUP) throw new Error(`${verified} of ${MESSAGES + WARMUP} messages passed DKIM/SPF/DMARC`);

    const common = {
      database,
      connections: CONNECTIONS,
      messages: MESSAGES,
      messageBytes: measuredMessages[0]!.bytes,
      authentication: 'SPF, DKIM, DMARC, ARC (in-process DNS)',
      // Threads beside the database's that check and parse messages (src/modules/channels/email/read.ts).
      readingThreads: poolSize(),
    };
    const ratio = Number((measured.messagesPerSecond / baseline.messagesPerSecond).toFixed(3));
    return [
      { name: 'email intake baseline: SMTP to a listener that accepts and discards', ...common, ...baseline },
      {
        name: 'email intake: SMTP to committed requests (250 after commit)',
        ...common,
        ...measured,
        requestsCreated: created,
        statementsPerMessage: Number((statements / MESSAGES).toFixed(1)),
        baselineMessagesPerSecond: baseline.messagesPerSecond,
        baselineP50Ms: baseline.p50Ms,
        ratio,
        target: TARGET,
        met: measured.messagesPerSecond >= TARGET,
      },
    ];
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await td?.close();
    if (schema) await pgQuery(pgUrl!, `drop schema if exists ${schema} cascade`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs the inbound e-mail benchmark on SQLite (and PostgreSQL when BENCH_DATABASE_URL is set); returns the results. */
export async function benchEmailIntake(): Promise<object[]> {
  const results: object[] = [];
  for (const database of [
    'sqlite',
    ...(process.env.BENCH_DATABASE_URL ? ['postgres' as const] : []),
  ] as const) {
    results.push(...(await benchDatabase(database)));
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  benchEmailIntake()
    .then((lines) => lines.forEach((l) => process.stdout.write(`${JSON.stringify(l)}\n`)))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
