import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTierdesk, type Tierdesk } from '../../src/app.js';
import { loadConfig } from '../../src/core/config/config.js';
import { seedDemo } from '../../src/demo/seed.js';
import { useTestApp } from '../support/app.js';
import { Client } from '../support/client.js';
import { createPgSchema, DATABASES } from '../support/databases.js';
import { postCallEvent } from '../support/phone.js';

interface Change {
  type: string;
  subjectType: string;
  subjectId: string;
  actor?: { id: string; name: string };
}

/** A Server-Sent Events stream of GET /api/v1/live, read event by event. */
async function openStream(base: string, client: Client) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/v1/live`, { headers: { cookie: client.cookie! }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const events: Change[] = [];
  let wake: (() => void) | undefined;
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (block.includes('event: change') && data) events.push(JSON.parse(data.slice(6)) as Change);
          wake?.();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    /** The next change heard (waits for it). */
    async next(): Promise<Change> {
      while (!events.length) await new Promise<void>((r) => (wake = r));
      return events.shift()!;
    },
    /** The changes heard so far and not yet taken. */
    pending: () => [...events],
    close: () => controller.abort(),
  };
}

describe.each(DATABASES)('live updates over Server-Sent Events (%s)', (kind) => {
  const t = useTestApp(kind);

  it('tells each person of the changes they may see, after they commit, and never of internal notes to the client side', async () => {
    const [alice, bob, l1] = [await t.login('alice@client-a.test'), await t.login('bob@client-b.test'), await t.login('l1@demo.test')];
    const created = await alice.post('/api/v1/tickets', { subject: 'Live: scanner offline', description: 'The scanner is offline.' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const [aliceLive, bobLive, staffLive] = [await openStream(t.base, alice), await openStream(t.base, bob), await openStream(t.base, l1)];
    try {
      expect((await l1.post(`/api/v1/tickets/${id}/comments`, { body: 'Checking the cable', internal: true })).status).toBe(201);
      expect((await l1.post(`/api/v1/tickets/${id}/comments`, { body: 'Please restart the scanner' })).status).toBe(201);

      // Staff hear both (among the status change and what else the desk did meanwhile, in the
      // order the notices reach this process); the requester only the reply (her first change is
      // the reply, not the note).
      const staffTypes = new Set<string>();
      while (!staffTypes.has('ticket.note_added') || !staffTypes.has('ticket.replied')) staffTypes.add((await staffLive.next()).type);
      let first = await aliceLive.next();
      while (first.type === 'ticket.status_changed') first = await aliceLive.next();
      expect(first).toEqual({ type: 'ticket.replied', subjectType: 'ticket', subjectId: id });
      // Heard after the commit: re-reading at once shows the reply.
      const timeline = await alice.get(`/api/v1/tickets/${id}/timeline`);
      expect(timeline.body.items.map((e: any) => e.body)).toContain('Please restart the scanner');
      expect(aliceLive.pending().map((e) => e.type)).not.toContain('ticket.note_added');

      // Another company's requester hears nothing of it: his first change is his own request's.
      const his = await bob.post('/api/v1/tickets', { subject: 'Live: his own', description: 'Bob asks.' });
      expect(his.status).toBe(201);
      expect(await bobLive.next()).toMatchObject({ type: 'ticket.created', subjectId: his.body.id });
    } finally {
      for (const s of [aliceLive, bobLive, staffLive]) s.close();
    }
  });

  it('tells the staff of calls as the PBX reports them, and never the client side', async () => {
    const [admin, alice, l1] = [await t.login('admin@demo.test'), await t.login('alice@client-a.test'), await t.login('l1@demo.test')];
    const pbx = (await admin.post('/api/v1/phone/connectors', { name: 'Live PBX' })).body;
    const [staffLive, aliceLive] = [await openStream(t.base, l1), await openStream(t.base, alice)];
    try {
      const res = await postCallEvent(t.base, pbx, { eventId: 'live-1', callId: 'live-call-1', type: 'ringing', direction: 'inbound', from: '+79161110001', to: '+74950000000', at: new Date().toISOString() });
      expect(res.status).toBe(200);
      const { callId } = res.body;
      expect(await staffLive.next()).toEqual({ type: 'call.ringing', subjectType: 'call', subjectId: callId });
      // The caller herself hears nothing of it: her first change is her own request's.
      const mine = await alice.post('/api/v1/tickets', { subject: 'Live: after the call', description: 'Written after calling.' });
      expect(await aliceLive.next()).toMatchObject({ type: 'ticket.created', subjectId: mine.body.id });
    } finally {
      for (const s of [staffLive, aliceLive]) s.close();
    }
  });

  it('tells colleagues that someone is writing a reply, and only them', async () => {
    const [alice, l1, l2] = [await t.login('alice@client-a.test'), await t.login('l1@demo.test'), await t.login('l2@demo.test')];
    const created = await alice.post('/api/v1/tickets', { subject: 'Live: who replies?', description: 'Two agents at once.' });
    const id = created.body.id as string;
    const [l1Live, aliceLive] = [await openStream(t.base, l1), await openStream(t.base, alice)];
    try {
      expect((await alice.post(`/api/v1/tickets/${id}/replying`)).status).toBe(403);
      expect((await l2.post(`/api/v1/tickets/${id}/replying`)).status).toBe(202);
      expect(await l1Live.next()).toMatchObject({ type: 'ticket.replying', subjectId: id, actor: { name: 'Egor L2' } });
      // The requester hears of the reply itself, never of the typing.
      expect((await l2.post(`/api/v1/tickets/${id}/comments`, { body: 'Here is the answer' })).status).toBe(201);
      let e = await aliceLive.next();
      while (e.type !== 'ticket.replied') {
        expect(e.type).not.toBe('ticket.replying');
        e = await aliceLive.next();
      }
    } finally {
      l1Live.close();
      aliceLive.close();
    }
  });

  it('refuses an anonymous stream', async () => {
    const r = await fetch(`${t.base}/api/v1/live`);
    expect(r.status).toBe(401);
  });
});

// PostgreSQL only (with TEST_DATABASE_URL): SQLite runs in one process.
if (DATABASES.includes('postgres')) describe('live updates across server processes (PostgreSQL LISTEN/NOTIFY)', () => {
  const apps: Tierdesk[] = [];
  const bases: string[] = [];
  let drop: (() => Promise<void>) | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-live-'));

  beforeAll(async () => {
    const s = await createPgSchema();
    drop = s.drop;
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: s.url, LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    // Two `serve` processes on one database, as behind a load balancer.
    for (let i = 0; i < 2; i++) {
      const td = await buildTierdesk(config, { db: { pgSchema: s.schema, poolSize: 3 }, logger: pino({ level: 'silent' }) });
      if (i === 0) await seedDemo(td.app);
      apps.push(td);
      bases.push(await td.http.listen({ port: 0, host: '127.0.0.1' }));
    }
  });
  afterAll(async () => {
    for (const td of apps) await td.close();
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers a change made through one process to a stream held by another', async () => {
    const login = async (base: string, email: string) => {
      const c = new Client(base);
      const r = await c.post('/api/v1/auth/login', { email, password: 'tierdesk-demo' });
      expect(r.status).toBe(200);
      c.csrf = r.body.csrfToken;
      return c;
    };
    const alice = await login(bases[0]!, 'alice@client-a.test');
    const l1 = await login(bases[0]!, 'l1@demo.test');
    const created = await alice.post('/api/v1/tickets', { subject: 'Across processes', description: 'Heard elsewhere?' });
    expect(created.status).toBe(201);
    // Alice's session works on the other process too: the sessions are in the database.
    const stream = await openStream(bases[1]!, alice);
    try {
      expect((await l1.post(`/api/v1/tickets/${created.body.id}/comments`, { body: 'On it' })).status).toBe(201);
      let e = await stream.next();
      while (e.type !== 'ticket.replied') e = await stream.next();
      expect(e.subjectId).toBe(created.body.id);
    } finally {
      stream.close();
    }
  });
});
