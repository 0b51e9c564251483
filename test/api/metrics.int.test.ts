import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { openDatabase } from '../../src/core/db/connect.js';
import { migrateToLatest } from '../../src/core/db/migrate.js';
import { lifecycleOf } from '../../src/core/http/lifecycle.js';
import { readiness, startMetricsListener } from '../../src/core/http/operations.js';
import { receiveMessage } from '../../src/modules/channels/email/index.js';
import { allMigrations } from '../../src/modules/migrations.js';
import { useTestApp } from '../support/app.js';
import { createPgSchema, DATABASES } from '../support/databases.js';
import { buildMessage } from '../support/email.js';
import { sample } from '../support/metrics.js';

const TOKEN = 'metrics-token-for-the-tests';
// Wednesday 25 November 2026, 10:00 in Moscow: client A (plan Optimized) is in business hours.
const START = '2026-11-25T07:00:00.000Z';

describe.each(DATABASES)('metrics and readiness (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, { METRICS_TOKEN: TOKEN }, { clock });
  const scrape = async (token = TOKEN) => {
    const r = await t.anonymous().get('/metrics', { authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    return r.body as string;
  };

  it('shows the metrics only to the metrics token: not anonymously, not with a wrong token, not to a signed-in admin', async () => {
    const anonymous = await t.anonymous().get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ statusCode: 401, error: 'unauthorized' });
    expect(JSON.stringify(anonymous.body)).not.toContain('tierdesk_');
    const wrong = await t.anonymous().get('/metrics', { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('tierdesk_');
    // An API token of an administrator, or a client's, is no metrics token.
    for (const who of ['admin@demo.test', 'alice@client-a.test', 'bob@client-b.test']) {
      const c = await t.tokenClient(who);
      const r = await c.get('/metrics');
      expect(r.status, who).toBe(401);
    }
    const session = await t.login('admin@demo.test');
    expect((await session.get('/metrics')).status).toBe(401);

    const text = await scrape();
    for (const name of [
      'tierdesk_http_request_duration_seconds_bucket',
      'tierdesk_db_query_duration_seconds_count',
      'tierdesk_timers_due',
      'tierdesk_timers_overdue',
      'tierdesk_outbox_backlog',
      'tierdesk_outbox_dead_letters',
      'tierdesk_live_connections',
      'tierdesk_ready',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(text, name).toMatch(new RegExp(`^${name}[ {]`, 'm'));
    if (kind === 'postgres') expect(sample(text, 'tierdesk_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
  });

  it('times requests under the route pattern, and the gauges and counters follow what happens', async () => {
    clock.set(START);
    const before = await scrape();
    const alice = await t.login('alice@client-a.test');
    const created = await alice.post('/api/v1/tickets', { subject: 'Printer jam', description: 'Tray 2 jams' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await alice.get(`/api/v1/tickets/${id}`);
    const l1 = await t.login('l1@demo.test');
    // A public reply: a notice to the requester, waiting in the outbox (no worker runs here).
    expect((await l1.post(`/api/v1/tickets/${id}/comments`, { body: 'On my way', internal: false })).status).toBe(201);

    // Inbound mail from a known client person opens a request.
    const raw = buildMessage({ from: 'alice@client-a.test', to: 'support@desk.test', subject: 'VPN is down' }, 'Since this morning.');
    const taken = await receiveMessage(t.td.app, { raw: Buffer.from(raw), source: 'smtp', mailbox: null, envelopeFrom: 'alice@client-a.test' });

    const after = await scrape();
    const route = { method: 'GET', route: '/api/v1/tickets/:id', status_code: '200' };
    expect(sample(after, 'tierdesk_http_request_duration_seconds_count', route)).toBe((sample(before, 'tierdesk_http_request_duration_seconds_count', route) || 0) + 1);
    expect(after).not.toContain(`route="/api/v1/tickets/${id}"`);
    expect(sample(after, 'tierdesk_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/tickets', status_code: '201' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'tierdesk_db_query_duration_seconds_count')).toBeGreaterThan(sample(before, 'tierdesk_db_query_duration_seconds_count'));
    expect(sample(after, 'tierdesk_outbox_backlog', { channel: 'email' })).toBeGreaterThan(sample(before, 'tierdesk_outbox_backlog', { channel: 'email' }));
    const inbound = { channel: 'email', outcome: taken.status };
    expect(sample(after, 'tierdesk_inbound_total', inbound)).toBe((sample(before, 'tierdesk_inbound_total', inbound) || 0) + 1);

    // Days later the request's SLA timers are due, then overdue; fired, they count warnings and breaches by plan.
    clock.set('2026-12-10T07:00:00.000Z');
    const due = await scrape();
    expect(sample(due, 'tierdesk_timers_due')).toBeGreaterThan(0);
    expect(sample(due, 'tierdesk_timers_overdue')).toBeGreaterThan(0);
    await t.fireAllTimers();
    const fired = await scrape();
    expect(sample(fired, 'tierdesk_timers_due')).toBe(0);
    expect(sample(fired, 'tierdesk_sla_warnings_total', { plan: 'optimized' })).toBeGreaterThan(sample(due, 'tierdesk_sla_warnings_total', { plan: 'optimized' }) || 0);
    expect(sample(fired, 'tierdesk_sla_breaches_total', { plan: 'optimized' })).toBeGreaterThan(sample(due, 'tierdesk_sla_breaches_total', { plan: 'optimized' }) || 0);
  });

  it('counts open live streams', async () => {
    const l1 = await t.login('l1@demo.test');
    const before = sample(await scrape(), 'tierdesk_live_connections');
    const abort = new AbortController();
    const res = await fetch(`${t.base}/api/v1/live`, { headers: { cookie: l1.cookie! }, signal: abort.signal });
    expect(res.status).toBe(200);
    // The stream counts once it listens (on PostgreSQL, after LISTEN), and stops counting once the
    // server hears it closed: each a moment after the client's side, so wait for it, bounded.
    const settles = async (n: number) => {
      for (let i = 0; i < 100 && sample(await scrape(), 'tierdesk_live_connections') !== n; i++) await new Promise((r) => setTimeout(r, 50));
      return sample(await scrape(), 'tierdesk_live_connections');
    };
    expect(await settles(before + 1)).toBe(before + 1);
    abort.abort();
    expect(await settles(before)).toBe(before);
  });

  it('serves the metrics on a separate listener too, asking for the token when one is set', async () => {
    const listener = await startMetricsListener({ db: t.td.app.db, clock: t.td.app.clock, host: '127.0.0.1', port: 0, token: TOKEN });
    try {
      expect((await fetch(listener.url)).status).toBe(401);
      const ok = await fetch(listener.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^tierdesk_timers_due /m);
      const other = await fetch(listener.url.replace('/metrics', '/api/v1/tickets'));
      expect(other.status).toBe(404);
      expect(await other.json()).toMatchObject({ statusCode: 404, error: 'not_found' });
    } finally {
      await listener.close();
    }
    const open = await startMetricsListener({ db: t.td.app.db, clock: t.td.app.clock, host: '127.0.0.1', port: 0, token: null });
    try {
      expect((await fetch(open.url)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('is ready with its database migrated; not with migrations missing or the database gone', async () => {
    const r = await t.anonymous().get('/api/v1/health/ready');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ready: true });
    const names = allMigrations.map((m) => m.name);
    expect(await readiness(t.td.app.db, () => false, [...names, '2099-01-01-00-from-a-newer-version'])).toEqual({ ready: false, reason: 'migrations_pending' });

    const schema = kind === 'postgres' ? await createPgSchema() : null;
    const other = openDatabase(schema ? schema.url : 'sqlite::memory:', { pgSchema: schema?.schema, poolSize: 1 });
    try {
      await migrateToLatest(other.db, other.dialect, allMigrations);
      expect(await readiness(other.db, () => false, names)).toEqual({ ready: true });
    } finally {
      await other.close();
      await schema?.drop();
    }
    expect(await readiness(other.db, () => false, names)).toEqual({ ready: false, reason: 'database_unreachable' });
  });

  // Last: the app stays draining.
  it('says not ready once it drains, and refuses new requests while answering the balancer', async () => {
    const alice = await t.login('alice@client-a.test');
    lifecycleOf(t.td.http).stopTaking();
    const r = await t.anonymous().get('/api/v1/health/ready');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ ready: false, reason: 'shutting_down' });
    expect(r.headers.get('connection')).toBe('close');
    const refused = await alice.get('/api/v1/tickets');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ statusCode: 503, error: 'shutting_down' });
    expect(sample(await scrape(), 'tierdesk_ready')).toBe(0);
  });
});

describe('metrics without METRICS_TOKEN', () => {
  const t = useTestApp('sqlite', {}, { demo: false });

  it('are not served on the app port at all', async () => {
    const r = await t.anonymous().get('/metrics');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ statusCode: 404, error: 'not_found' });
    // With any Bearer token: refused as an API token, still no metrics.
    const guessed = await t.anonymous().get('/metrics', { authorization: `Bearer ${TOKEN}` });
    expect([401, 404]).toContain(guessed.status);
    expect(guessed.body).toMatchObject({ statusCode: guessed.status });
    expect(JSON.stringify(guessed.body)).not.toContain('tierdesk_');
  });

  it('documents liveness and readiness in the OpenAPI', async () => {
    const doc = (await t.anonymous().get('/api/v1/openapi.json')).body;
    expect(doc.paths['/api/v1/health']).toBeDefined();
    expect(Object.keys(doc.paths['/api/v1/health/ready'].get.responses).sort()).toEqual(['200', '503']);
    expect(doc.paths['/metrics']).toBeUndefined();
  });
});
