import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';
import { postCallEvent } from '../support/phone.js';

const START = '2026-11-25T07:00:00.000Z';

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
}

/** A receiving system on 127.0.0.1: records every call; answers 503 while `failNext` is above zero. */
const receiver = {
  calls: [] as Received[],
  failNext: 0,
  url: '',
  server: http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (receiver.failNext > 0) {
        receiver.failNext--;
        return res.writeHead(503).end('down for maintenance');
      }
      receiver.calls.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(204).end();
    });
  }),
};
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks/tierdesk`;
});
afterAll(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));

const verify = (secret: string, call: Received) => {
  const timestamp = String(call.headers['x-tierdesk-timestamp']);
  const expected = `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${call.raw}`).digest('hex')}`;
  return call.headers['x-tierdesk-signature'] === expected;
};

describe.each(DATABASES)('outbound webhooks (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });
  const fire = () => t.fireTimers();
  beforeEach(() => {
    receiver.calls = [];
    receiver.failNext = 0;
  });

  const createHook = async (body: Record<string, unknown> = {}) => {
    const admin = await t.login('admin@demo.test');
    const r = await admin.post('/api/v1/webhooks', { name: 'CRM', url: receiver.url, events: ['ticket.created', 'ticket.replied'], ...body });
    expect(r.status).toBe(201);
    return { admin, hook: r.body };
  };

  it('posts a signed event for a new request after the commit, and shows the secret only once', async () => {
    const { admin, hook } = await createHook();
    expect(hook.secret).toMatch(/^[\w-]{40,}$/);
    expect((await admin.get(`/api/v1/webhooks/${hook.id}`)).body.secret).toBeUndefined();
    expect((await admin.get('/api/v1/webhooks')).body.items.every((w: any) => w.secret === undefined)).toBe(true);

    const alice = await t.login('alice@client-a.test');
    const ticket = (await alice.post('/api/v1/tickets', { subject: 'VPN down', description: 'Cannot connect' })).body;
    expect(receiver.calls).toHaveLength(0); // not before the worker's pass
    await fire();
    const calls = receiver.calls.filter((c) => c.body.ticket?.id === ticket.id);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(verify(hook.secret, call!)).toBe(true);
    expect(verify('another secret', call!)).toBe(false);
    expect(call!.headers['x-tierdesk-event']).toBe('ticket.created');
    expect(call!.body).toMatchObject({
      type: 'ticket.created',
      ticket: { id: ticket.id, number: ticket.number, subject: 'VPN down', channel: 'web', url: expect.stringContaining(`/tickets/${ticket.number}`) },
    });
    expect(String(call!.body.id)).toBe(call!.headers['x-tierdesk-delivery']);
    const deliveries = (await admin.get(`/api/v1/webhooks/${hook.id}/deliveries`)).body.items;
    expect(deliveries.find((d: any) => d.ticketId === ticket.id)).toMatchObject({ status: 'delivered', attempts: 1, responseStatus: 204 });
    await admin.delete(`/api/v1/webhooks/${hook.id}`);
  });

  it('sends replies with their text, and only the events subscribed to', async () => {
    const { admin, hook } = await createHook({ events: ['ticket.replied'] });
    const alice = await t.login('alice@client-a.test');
    const ticket = (await alice.post('/api/v1/tickets', { subject: 'Printer', description: 'Jams' })).body;
    const l1 = await t.login('l1@demo.test');
    await l1.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Internal: check the tray', internal: true });
    await l1.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Please open the tray and remove the paper.' });
    await fire();
    const mine = receiver.calls.filter((c) => c.body.ticket?.id === ticket.id);
    expect(mine.map((c) => c.body.type)).toEqual(['ticket.replied']);
    expect(mine[0]!.body.entry).toMatchObject({ kind: 'reply', body: 'Please open the tray and remove the paper.' });
    await admin.delete(`/api/v1/webhooks/${hook.id}`);
  });

  it("limited to an organization, it never carries another organization's requests", async () => {
    const admin = await t.login('admin@demo.test');
    const orgs = (await admin.get('/api/v1/organizations')).body.items as any[];
    const orgB = orgs.find((o) => o.name.startsWith('Client B'));
    const { hook } = await createHook({ organizationId: orgB.id });
    const alice = await t.login('alice@client-a.test');
    const bob = await t.login('bob@client-b.test');
    const a = (await alice.post('/api/v1/tickets', { subject: 'A thing', description: 'x' })).body;
    const b = (await bob.post('/api/v1/tickets', { subject: 'B thing', description: 'y' })).body;
    await fire();
    const ids = receiver.calls.map((c) => c.body.ticket?.id);
    expect(ids).toContain(b.id);
    expect(ids).not.toContain(a.id);
    await admin.delete(`/api/v1/webhooks/${hook.id}`);
  });

  it('retries a failed delivery with backoff, keeps the same body, and gives up after the last attempt', async () => {
    const { admin, hook } = await createHook();
    receiver.failNext = 1;
    const alice = await t.login('alice@client-a.test');
    const ticket = (await alice.post('/api/v1/tickets', { subject: 'Mail', description: 'Outlook asks for a password' })).body;
    await fire();
    let [d] = (await admin.get(`/api/v1/webhooks/${hook.id}/deliveries`)).body.items;
    expect(d).toMatchObject({ ticketId: ticket.id, status: 'pending', attempts: 1, responseStatus: 503, lastError: expect.stringContaining('503') });
    await fire(); // not due yet: the retry waits a minute
    expect(receiver.calls.filter((c) => c.body.ticket?.id === ticket.id)).toHaveLength(0);
    clock.advance(61_000);
    await fire();
    [d] = (await admin.get(`/api/v1/webhooks/${hook.id}/deliveries`)).body.items;
    expect(d).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(receiver.calls.filter((c) => c.body.ticket?.id === ticket.id)).toHaveLength(1);
    expect(JSON.stringify(receiver.calls.at(-1)!.body)).toBe(JSON.stringify(d.payload));

    // A receiver that stays down: the delivery fails for good after 8 attempts, then an admin redelivers it.
    receiver.failNext = 100;
    const other = (await alice.post('/api/v1/tickets', { subject: 'Down', description: 'Receiver down' })).body;
    for (let i = 0; i < 10; i++) {
      await fire();
      clock.advance(3_600_000);
    }
    [d] = (await admin.get(`/api/v1/webhooks/${hook.id}/deliveries`)).body.items;
    expect(d).toMatchObject({ ticketId: other.id, status: 'failed', attempts: 8 });
    receiver.failNext = 0;
    const again = await admin.post(`/api/v1/webhooks/${hook.id}/deliveries/${d.id}/redeliver`, {});
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ status: 'pending', attempts: 0 });
    await fire();
    expect((await admin.get(`/api/v1/webhooks/${hook.id}`)).body.lastDelivery).toMatchObject({ status: 'delivered' });
    await admin.delete(`/api/v1/webhooks/${hook.id}`);
  });

  it('pings, rotates the secret, and stops when deactivated', async () => {
    const { admin, hook } = await createHook();
    expect((await admin.post(`/api/v1/webhooks/${hook.id}/ping`, {})).status).toBe(202);
    await fire();
    expect(receiver.calls.at(-1)!.body).toMatchObject({ type: 'ping', webhookId: hook.id });
    expect(verify(hook.secret, receiver.calls.at(-1)!)).toBe(true);

    const rotated = await admin.patch(`/api/v1/webhooks/${hook.id}`, { rotateSecret: true });
    expect(rotated.body.secret).toBeTruthy();
    expect(rotated.body.secret).not.toBe(hook.secret);
    await admin.post(`/api/v1/webhooks/${hook.id}/ping`, {});
    await fire();
    expect(verify(rotated.body.secret, receiver.calls.at(-1)!)).toBe(true);

    expect((await admin.patch(`/api/v1/webhooks/${hook.id}`, { active: false })).body.active).toBe(false);
    const count = receiver.calls.length;
    const alice = await t.login('alice@client-a.test');
    await alice.post('/api/v1/tickets', { subject: 'Quiet', description: 'No hook' });
    await fire();
    expect(receiver.calls).toHaveLength(count);
    await admin.delete(`/api/v1/webhooks/${hook.id}`);
  });

  it("posts the telephone's events too: a call that ends, with its caller's organization and the request it opened", async () => {
    const admin = await t.login('admin@demo.test');
    const orgs = (await admin.get('/api/v1/organizations')).body.items as any[];
    const orgA = orgs.find((o) => o.name.startsWith('Client A'));
    const { hook } = await createHook({ events: ['call.ended'], organizationId: orgA.id });
    const pbx = (await admin.post('/api/v1/phone/connectors', { name: 'Webhook PBX' })).body;
    const cti = async (body: Record<string, unknown>) => {
      const res = await postCallEvent(t.base, pbx, body, clock.now());
      expect(res.status).toBe(200);
      return res.body.callId;
    };
    const call = async (id: string, from: string) => {
      const base = { callId: id, direction: 'inbound', from, to: '+74950000000' };
      await cti({ ...base, eventId: `${id}-1`, type: 'ringing', at: clock.now().toISOString() });
      return cti({ ...base, eventId: `${id}-2`, type: 'hangup', cause: 'no_answer', at: new Date(clock.now().getTime() + 20_000).toISOString() });
    };
    const alices = await call('wh-alice', '+79161110001');
    await call('wh-bob', '+447911123456'); // client B: not this webhook's
    await fire();
    const calls = receiver.calls.filter((c) => c.body.type === 'call.ended');
    expect(calls).toHaveLength(1);
    expect(verify(hook.secret, calls[0]!)).toBe(true);
    expect(calls[0]!.body.call).toMatchObject({ id: alices, direction: 'inbound', number: '+79161110001', outcome: 'missed', organizationId: orgA.id, ticketId: expect.any(String), callbackStatus: 'open' });
    await admin.delete(`/api/v1/webhooks/${hook.id}`);
  });

  it('validates its input, naming the field', async () => {
    const admin = await t.login('admin@demo.test');
    const bad = [
      [{ name: 'x', url: 'ftp://example.test/', events: ['ticket.created'] }, 'url'],
      [{ name: 'x', url: receiver.url, events: [] }, 'events'],
      [{ name: 'x', url: receiver.url, events: ['ticket.exploded'] }, 'events'],
      [{ name: '', url: receiver.url, events: ['ticket.created'] }, 'name'],
    ] as const;
    for (const [body, field] of bad) {
      const r = await admin.post('/api/v1/webhooks', body);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body.details)).toContain(field);
    }
    const unknownOrg = await admin.post('/api/v1/webhooks', { name: 'x', url: receiver.url, events: ['ticket.created'], organizationId: crypto.randomUUID() });
    expect(unknownOrg.status).toBe(400);
    expect((await admin.get(`/api/v1/webhooks/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('is for admins only: staff, client managers and requesters are refused', async () => {
    const { admin, hook } = await createHook();
    for (const email of ['manager@demo.test', 'l1@demo.test', 'it@client-a.test', 'bob@client-b.test']) {
      const c = await t.login(email);
      expect((await c.get('/api/v1/webhooks')).status).toBe(403);
      expect((await c.get(`/api/v1/webhooks/${hook.id}`)).status).toBe(403);
      expect((await c.get(`/api/v1/webhooks/${hook.id}/deliveries`)).status).toBe(403);
      expect((await c.post('/api/v1/webhooks', { name: 'x', url: receiver.url, events: ['ticket.created'] })).status).toBe(403);
      expect((await c.patch(`/api/v1/webhooks/${hook.id}`, { active: false })).status).toBe(403);
      expect((await c.post(`/api/v1/webhooks/${hook.id}/ping`, {})).status).toBe(403);
      expect((await c.delete(`/api/v1/webhooks/${hook.id}`)).status).toBe(403);
    }
    expect((await t.anonymous().get('/api/v1/webhooks')).status).toBe(401);
    expect((await admin.get(`/api/v1/webhooks/${hook.id}`)).body.active).toBe(true);
    await admin.delete(`/api/v1/webhooks/${hook.id}`);
  });
});
