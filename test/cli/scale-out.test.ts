import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase } from '../support/databases.js';
import { sample } from '../support/metrics.js';
import { SmtpSink } from '../support/smtp-sink.js';

/**
 * Scaled out for real: two `serve` processes and a `worker` on one PostgreSQL database, started by
 * the CLI as separate processes. Under mixed load one server is killed (SIGKILL) and the worker
 * stopped (SIGTERM) mid-flight, then both are started again; nothing acknowledged is lost, every
 * timer fires once and every notice is sent once. PostgreSQL only, by nature: this is the
 * scaled-out set-up (see createPgDatabase for the server it uses).
 */

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'bin/tierdesk');
const METRICS_TOKEN = 'scale-out-metrics-token';

interface Proc {
  child: ChildProcess;
  /** The API's URL (serve), or the metrics URL (worker). */
  url: string;
  exit: Promise<number | null>;
  output(): string;
}

/** Starts one role of the CLI and resolves once it says it runs. */
function start(role: 'serve' | 'worker', env: Record<string, string>): Promise<Proc> {
  const child = spawn(cli, [role], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const look = (d: Buffer) => {
      out += String(d);
      const m = role === 'serve' ? /Tierdesk is running at (\S+)/.exec(out) : /Metrics are served at (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, exit, output: () => out });
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', (d) => (out += String(d)));
    void exit.then((code) => reject(new Error(`${role} exited ${code} before it ran:\n${out}`)));
  });
}

/**
 * Waits for `check` to hold, polling; fails after `ms` with `what`. Never a sleep as an assertion:
 * the bound is generous (several processes share a busy machine), only there to end a stuck test.
 */
async function until(what: string, check: () => Promise<boolean> | boolean, ms = 180_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One HTTP call; null when the server could not be reached or refused it while draining. */
async function call(base: string, token: string, method: string, p: string, body?: unknown) {
  try {
    const res = await fetch(base + p, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    return { status: res.status, body: json };
  } catch {
    return null;
  }
}

describe('two serve processes and a worker on PostgreSQL', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-scale-'));
  const sink = new SmtpSink();
  const procs: Proc[] = [];
  let env: Record<string, string>;
  let db: pg.Client;
  let dropDb: () => Promise<void>;
  const q = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) => (await db.query(text, values)).rows as T[];
  const count = async (text: string) => Number((await q<{ n: string }>(text))[0]!.n);

  beforeAll(async () => {
    const database = await createPgDatabase();
    dropDb = database.drop;
    // Every message takes a moment to accept, so that the worker is sending when it is stopped.
    sink.delayMs = 20;
    const smtpUrl = await sink.start();
    env = {
      DATABASE_URL: database.url,
      TEST_DATABASE_URL: '',
      DATA_DIR: dataDir,
      TIERDESK_DEMO: '0',
      LOG_LEVEL: 'warn',
      PORT: '0',
      SMTP_URL: smtpUrl,
      METRICS_TOKEN,
      LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      SHUTDOWN_TIMEOUT_SECONDS: '60',
    };
    const seeded = spawnSync(cli, ['seed-demo'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(seeded.status, seeded.stderr).toBe(0);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exit));
    await db?.end();
    await sink.close();
    await dropDb?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const run = async (role: 'serve' | 'worker', extra: Record<string, string> = {}) => {
    const p = await start(role, { ...env, ...extra });
    procs.push(p);
    return p;
  };

  /** Makes the pending SLA timers due now (as if their deadlines had come); returns their ids. */
  const timersDueNow = async () =>
    (
      await q<{ id: number }>(
        `update timers set due_at = now() - interval '1 second'
          where fired_at is null and failed_at is null and kind in ('sla.warning', 'sla.breach', 'sla.line_budget') returning id`,
      )
    ).map((r) => Number(r.id));

  it('loses nothing acknowledged, fires each timer and sends each notice once, through a SIGKILL and a SIGTERM', async () => {
    const [first, b, firstWorker] = await Promise.all([run('serve'), run('serve'), run('worker', { METRICS_PORT: '0' })]);
    let [a, worker] = [first, firstWorker];
    const tokenOf = async (email: string) => {
      const login = await fetch(`${a.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'tierdesk-demo' }) });
      expect(login.status).toBe(200);
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const made = await fetch(`${a.url}/api/v1/me/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'load' }) });
      expect(made.status).toBe(201);
      return ((await made.json()) as { token: string }).token;
    };
    const alice = await tokenOf('alice@client-a.test');
    const l1 = await tokenOf('l1@demo.test');

    // The servers the load goes to, in turn; a killed one leaves the list, a restarted one joins it.
    const servers = new Set([a.url, b.url]);
    let turn = 0;
    const next = () => {
      const list = [...servers];
      return list[turn++ % list.length]!;
    };
    const acked = { tickets: [] as string[], comments: [] as string[] };
    // A call not answered 201 (the server died under it, or was draining) is not acknowledged.
    const ack = (r: Awaited<ReturnType<typeof call>>, into: string[]) => {
      if (r?.status === 201) into.push(String(r.body.id));
      return r?.status === 201;
    };
    const loop = async (n: number, k: number) => {
      for (let i = 0; i < n; i++) {
        const created = await call(next(), alice, 'POST', '/api/v1/tickets', { subject: `Load ${k}.${i}`, description: 'Mixed load through both servers' });
        if (!ack(created, acked.tickets)) continue;
        const id = String(created!.body.id);
        // A public reply (a notice to the requester), an internal note, and the requester's answer.
        ack(await call(next(), l1, 'POST', `/api/v1/tickets/${id}/comments`, { body: `Looking into ${k}.${i}`, internal: false }), acked.comments);
        ack(await call(next(), l1, 'POST', `/api/v1/tickets/${id}/comments`, { body: 'Internal note', internal: true }), acked.comments);
        ack(await call(next(), alice, 'POST', `/api/v1/tickets/${id}/comments`, { body: 'Thanks, waiting' }), acked.comments);
      }
    };
    let loadDone = false;
    const load = Promise.all([0, 1, 2].map((k) => loop(6, k))).finally(() => (loadDone = true));

    // Mid-flight: one server dies without warning, while requests are under way on it.
    await until('the first requests', () => acked.tickets.length >= 4);
    servers.delete(a.url);
    a.child.kill('SIGKILL');
    expect(await a.exit).toBeNull();

    // The SLA deadlines come; the worker is stopped while it fires timers and sends mail.
    const pulled = new Set(await timersDueNow());
    expect(pulled.size).toBeGreaterThan(0);
    const sentBefore = sink.received.length;
    await until(
      'the worker to be at work',
      async () => (sink.received.length >= sentBefore + 3 || loadDone) && (await count(`select count(*) as n from timers where fired_at is not null`)) > 0,
    );
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
    // It gave back what it held: no timer or message stays claimed, none is left half-sent.
    expect(await count(`select count(*) as n from timers where claimed_by is not null and fired_at is null and failed_at is null`)).toBe(0);
    expect(await count(`select count(*) as n from mail_outbox where claimed_by is not null and status = 'pending'`)).toBe(0);
    expect(await count(`select count(*) as n from mail_outbox where status = 'sending'`)).toBe(0);

    // Both come back; the load goes on through both servers.
    [a, worker] = await Promise.all([run('serve'), run('worker', { METRICS_PORT: '0' })]);
    servers.add(a.url);
    await load;
    expect(acked.tickets.length).toBeGreaterThan(6);

    // Every deadline comes; the worker catches up with all of it.
    await timersDueNow();
    const explain = async () =>
      JSON.stringify({
        timers: await q(`select id, kind, attempts, last_error, claimed_by, claimed_until, due_at from timers where fired_at is null and failed_at is null and due_at <= now() limit 5`),
        outbox: await q(`select id, status, attempts, last_error, next_attempt_at, claimed_by, claimed_until from mail_outbox where channel = 'email' and status in ('pending', 'sending') limit 5`),
        worker: worker.output().slice(-3000),
      });
    await until(
      'the worker to catch up',
      async () =>
        (await count(`select count(*) as n from timers where fired_at is null and failed_at is null and due_at <= now()`)) === 0 &&
        (await count(`select count(*) as n from mail_outbox where channel = 'email' and status in ('pending', 'sending')`)) === 0,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await explain()}`);
    });

    // Every acknowledged request and comment is there.
    const tickets = await q<{ id: string }>(`select id from tickets where id = any($1)`, [acked.tickets]);
    expect(tickets.length).toBe(acked.tickets.length);
    const comments = await q<{ id: string }>(`select id from timeline_entries where id::text = any($1)`, [acked.comments]);
    expect(comments.length).toBe(acked.comments.length);

    // Each timer fired once: none failed, and no warning or breach was recorded twice.
    expect(await count(`select count(*) as n from timers where failed_at is not null`)).toBe(0);
    const firedPulled = await q<{ id: number }>(`select id from timers where id = any($1) and fired_at is not null`, [[...pulled]]);
    expect(firedPulled.length).toBeGreaterThan(0);
    expect(await count(`select count(*) as n from sla_clock_log where action in ('warning', 'breach')`)).toBeGreaterThan(0);
    const twice = await q(
      `select ticket_id, metric, action, line, detail, count(*) as n from sla_clock_log
        where action in ('warning', 'breach') group by ticket_id, metric, action, line, detail having count(*) > 1`,
    );
    expect(twice).toEqual([]);

    // Each notice was sent once: every outbox row sent, and the SMTP server got each Message-ID once.
    const outbox = await q<{ id: number; status: string; message_id: string }>(`select id, status, message_id from mail_outbox where channel = 'email'`);
    expect(outbox.length).toBeGreaterThan(acked.tickets.length);
    expect(outbox.filter((r) => r.status !== 'sent')).toEqual([]);
    const received = new Map<string, number>();
    for (const m of sink.received) {
      const id = (m.mail.messageId ?? '').replace(/^<|>$/g, '');
      received.set(id, (received.get(id) ?? 0) + 1);
    }
    expect([...received.values()].filter((n) => n !== 1)).toEqual([]);
    expect([...received.keys()].sort()).toEqual(outbox.map((r) => r.message_id).sort());

    // The worker shows its own metrics on its METRICS_PORT.
    const metrics = await fetch(worker.url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(sample(text, 'tierdesk_info', { role: 'worker' })).toBe(1);
    expect(sample(text, 'tierdesk_outbox_backlog', { channel: 'email' })).toBe(0);

    await Promise.all([stopGracefully(worker), stopGracefully(a), stopGracefully(b)]);
  }, 300_000);

  it('says "not ready" while a server drains, finishes the request in flight, ends live streams, then exits', async () => {
    const server = await run('serve');
    const ready = async () => {
      try {
        const r = await fetch(`${server.url}/api/v1/health/ready`);
        return { status: r.status, body: (await r.json()) as unknown };
      } catch {
        return null;
      }
    };
    expect(await ready()).toEqual({ status: 200, body: { ready: true } });
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@client-a.test', password: 'tierdesk-demo' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };

    // A live stream, and a request whose body is still on its way.
    const live = await fetch(`${server.url}/api/v1/live`, { headers: { cookie } });
    expect(live.status).toBe(200);
    const liveEnded = (async () => {
      const reader = live.body!.getReader();
      while (!(await reader.read()).done);
      return true;
    })();
    const body = JSON.stringify({ subject: 'Sent slowly', description: 'The body arrives in two parts' });
    const url = new URL(`${server.url}/api/v1/tickets`);
    const slow = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), cookie, 'x-csrf-token': csrfToken },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      slow.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += String(d)));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      slow.on('error', reject);
    });
    slow.write(body.slice(0, 10));
    const inFlight = async () => {
      const r = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      // The live stream is one request in flight; the slow one makes two.
      return sample(await r.text(), 'tierdesk_http_requests_in_flight') >= 2;
    };
    await until('the slow request to be in flight', inFlight, 30_000);

    server.child.kill('SIGTERM');
    await until('readiness to say "not ready"', async () => (await ready())?.status === 503, 30_000);
    // It stays not ready while the request is in flight, and takes no new request meanwhile.
    for (let i = 0; i < 3; i++) expect(await ready()).toEqual({ status: 503, body: { ready: false, reason: 'shutting_down' } });
    const refusedNew = await fetch(`${server.url}/api/v1/tickets`, { headers: { cookie } });
    expect(refusedNew.status).toBe(503);
    expect(await refusedNew.json()).toMatchObject({ statusCode: 503, error: 'shutting_down' });
    expect(await liveEnded).toBe(true);
    expect(server.child.exitCode).toBeNull();

    // The rest of the body arrives: the request is served, then the server stops.
    slow.end(body.slice(10));
    const done = await answer;
    expect(done.status).toBe(201);
    const ticketId = (JSON.parse(done.body) as { id: string }).id;
    expect(await server.exit).toBe(0);
    expect(await ready()).toBeNull();
    expect(await q(`select id from tickets where id = $1`, [ticketId])).toHaveLength(1);
  }, 120_000);

  it('exits with status 1 once SHUTDOWN_TIMEOUT_SECONDS has passed, even with a request that never ends', async () => {
    const server = await run('serve', { SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const url = new URL(`${server.url}/api/v1/tickets`);
    // Headers only: the body never comes.
    const stuck = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 1000 } });
    stuck.on('error', () => undefined);
    stuck.write('{');
    await until('the request to be in flight', async () => {
      const r = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      return sample(await r.text(), 'tierdesk_http_requests_in_flight') >= 1;
    }, 30_000);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    expect(server.output()).toContain('SHUTDOWN_TIMEOUT_SECONDS');
    stuck.destroy();
  }, 120_000);
});

/** SIGTERM, and the process exits by itself with 0. */
async function stopGracefully(p: Proc) {
  p.child.kill('SIGTERM');
  expect(await p.exit, p.output()).toBe(0);
}
