import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';
import type { Client } from '../support/client.js';

// Wednesday 25 November 2026, 10:00 in Moscow: within client A's working hours (see sla.int.test.ts).
const START = '2026-11-25T07:00:00.000Z';
const SECRET = 'dev-tracker-shared-secret-0123';
const EVENTS = '/api/v1/integrations/dev-tracker/events';

const hmac = (secret: string, timestamp: string, raw: string) =>
  crypto.createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex');

interface TrackerCall {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
  status: number;
}

/**
 * A stand-in for the developers' tracker on 127.0.0.1: it checks our signature (401 if wrong),
 * records every call, and answers `{id, url}` — or 500 while `failNext` is above zero.
 */
const tracker = {
  calls: [] as TrackerCall[],
  failNext: 0,
  created: 0,
  url: '',
  server: http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, body: unknown) => {
        tracker.calls.push({ headers: req.headers, raw, body: JSON.parse(raw), status });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const timestamp = String(req.headers['x-tierdesk-timestamp']);
      if (req.headers['x-tierdesk-signature'] !== `sha256=${hmac(SECRET, timestamp, raw)}`)
        return answer(401, { error: 'bad signature' });
      if (tracker.failNext > 0) {
        tracker.failNext--;
        return answer(500, { error: 'the tracker is down' });
      }
      const id = `DEV-${++tracker.created}`;
      answer(201, { id, url: `https://tracker.test/browse/${id}` });
    });
  }),
};

// Declared before any test app's: the app's configuration needs the tracker's address (read lazily).
const env: Record<string, string> = { DEV_TRACKER_SECRET: SECRET };
beforeAll(async () => {
  await new Promise<void>((resolve) => tracker.server.listen(0, '127.0.0.1', resolve));
  env.DEV_TRACKER_URL = `http://127.0.0.1:${(tracker.server.address() as AddressInfo).port}/rest/items`;
});
afterAll(() => new Promise<void>((resolve) => tracker.server.close(() => resolve())));

describe.each(DATABASES)('hand-off to the software developers (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, env, { clock });
  const fire = () => t.fireTimers();
  const handOff = (c: Client, id: string, summary = 'Export of invoices with discounts to 1C fails') =>
    c.post(`/api/v1/tickets/${id}/handoff`, { summary });
  const timeline = async (c: Client, id: string) =>
    (await c.get(`/api/v1/tickets/${id}/timeline`)).body.items as any[];
  const items = async (c: Client, id: string) =>
    (await c.get(`/api/v1/tickets/${id}/handoff`)).body.items as any[];
  const resolution = async (c: Client, id: string) =>
    (await c.get(`/api/v1/tickets/${id}/sla`)).body.clocks.find((k: any) => k.metric === 'resolution');

  /** A request of client A, moved to L2 by the manager. */
  const atLine = async (line: 'L1' | 'L2' = 'L2') => {
    clock.set(START);
    const alice = await t.login('alice@client-a.test');
    const r = await alice.post('/api/v1/tickets', {
      subject: 'Invoice export fails',
      description: 'The export to 1C stops with an error',
    });
    expect(r.status).toBe(201);
    if (line !== 'L1') {
      const manager = await t.login('manager@demo.test');
      expect(
        (await manager.patch(`/api/v1/tickets/${r.body.id}`, { line, reason: 'Needs an engineer' })).status,
      ).toBe(200);
    }
    return r.body;
  };
  /** A request at L2 handed off, its item created in the tracker. */
  const handedOff = async () => {
    const ticket = await atLine();
    const l2 = await t.login('l2@demo.test');
    expect((await handOff(l2, ticket.id)).status).toBe(202);
    await fire();
    const [item] = await items(l2, ticket.id);
    expect(item.status).toBe('created');
    return { ticket, item, l2 };
  };

  /** Sends a tracker event as the tracker would, signed unless told otherwise. */
  const send = (
    body: unknown,
    o: { secret?: string; at?: Date; raw?: string; headers?: Record<string, string> } = {},
  ) => {
    const raw = o.raw ?? JSON.stringify(body);
    const timestamp = String(Math.floor((o.at ?? clock.now()).getTime() / 1000));
    const headers = {
      'content-type': 'application/json',
      'x-tierdesk-timestamp': timestamp,
      'x-tierdesk-signature': `sha256=${hmac(o.secret ?? SECRET, timestamp, raw)}`,
      ...o.headers,
    };
    return fetch(t.base + EVENTS, { method: 'POST', headers, body: raw });
  };

  beforeEach(() => {
    tracker.calls = [];
    tracker.failNext = 0;
  });

  it('is for L2, L3 and managers only, and only for an active request at L2 or L3', async () => {
    const l2 = await t.login('l2@demo.test');
    const atL1 = await atLine('L1');
    const wrongLine = await handOff(l2, atL1.id);
    expect(wrongLine.status).toBe(409);
    expect(wrongLine.body.error).toBe('wrong_line');

    const ticket = await atLine();
    expect((await handOff(await t.login('l1@demo.test'), ticket.id)).status).toBe(403);
    const alice = await t.login('alice@client-a.test');
    expect((await handOff(alice, ticket.id)).status).toBe(403);
    expect((await handOff(await t.login('it@client-a.test'), ticket.id)).status).toBe(403);
    expect((await alice.get(`/api/v1/tickets/${ticket.id}/handoff`)).status).toBe(404);
    expect((await handOff(l2, ticket.id, '  ')).status).toBe(400);

    const resolved = await atLine();
    expect((await l2.patch(`/api/v1/tickets/${resolved.id}`, { status: 'resolved' })).status).toBe(200);
    const late = await handOff(l2, resolved.id);
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('invalid_status');

    await fire();
    expect(tracker.calls).toHaveLength(0);
    expect(await items(l2, ticket.id)).toEqual([]);
  });

  it('calls the tracker only from the timer, once, signed; then the request waits for the vendor with the link stored', async () => {
    const ticket = await atLine();
    const l2 = await t.login('l2@demo.test');
    const r = await handOff(l2, ticket.id);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({
      ticketId: ticket.id,
      status: 'pending',
      externalId: null,
      url: null,
      summary: 'Export of invoices with discounts to 1C fails',
    });
    expect(tracker.calls).toHaveLength(0);
    expect((await l2.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('new');
    // One open hand-off per request.
    const again = await handOff(await t.login('l3@demo.test'), ticket.id);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('handoff_open');

    await fire();
    expect(tracker.calls).toHaveLength(1);
    const call = tracker.calls[0]!;
    expect(call.status).toBe(201); // the tracker checked the signature
    expect(call.headers['content-type']).toBe('application/json');
    const timestamp = call.headers['x-tierdesk-timestamp'];
    expect(timestamp).toBe(String(Date.parse(START) / 1000));
    expect(call.headers['x-tierdesk-signature']).toBe(`sha256=${hmac(SECRET, String(timestamp), call.raw)}`);
    expect(call.body).toMatchObject({
      itemId: r.body.id,
      ticket: {
        id: ticket.id,
        number: ticket.number,
        subject: 'Invoice export fails',
        description: 'The export to 1C stops with an error',
        priority: 'P3',
        organization: { id: ticket.organizationId },
      },
      summary: 'Export of invoices with discounts to 1C fails',
    });
    expect(call.body.link).toMatch(new RegExp(`/tickets/${ticket.number}$`));

    const after = (await l2.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(after).toMatchObject({ status: 'pending_vendor', line: 'L2' });
    const [item] = await items(l2, ticket.id);
    expect(item).toMatchObject({
      id: r.body.id,
      status: 'created',
      externalId: 'DEV-' + tracker.created,
      url: `https://tracker.test/browse/DEV-${tracker.created}`,
      lastError: null,
    });
    const notes = (await timeline(l2, ticket.id)).filter((e) => e.kind === 'note');
    expect(notes.map((n) => [n.author.name, n.body])).toEqual([
      ['Egor L2', 'Handed off to the software developers: Export of invoices with discounts to 1C fails'],
      ['Tierdesk', `The developers' tracker created ${item.externalId}: ${item.url}`],
    ]);
    expect(
      (await timeline(await t.login('alice@client-a.test'), ticket.id)).some(
        (e) => e.kind === 'note' || e.body.includes('tracker'),
      ),
    ).toBe(false);

    clock.advanceMinutes(10);
    await fire();
    expect(tracker.calls).toHaveLength(1);
  });

  it('retries after the backoff when the tracker fails, and still makes one item', async () => {
    const ticket = await atLine();
    const l2 = await t.login('l2@demo.test');
    tracker.failNext = 1;
    expect((await handOff(l2, ticket.id)).status).toBe(202);
    await fire();
    expect(tracker.calls.map((c) => c.status)).toEqual([500]);
    const [failed] = await items(l2, ticket.id);
    expect(failed).toMatchObject({
      status: 'pending',
      externalId: null,
      lastError: expect.stringContaining('500'),
    });
    expect((await l2.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('new');

    await fire(); // not before the backoff (a minute after the first attempt)
    expect(tracker.calls).toHaveLength(1);
    clock.advanceMinutes(2);
    await fire();
    expect(tracker.calls.map((c) => c.status)).toEqual([500, 201]);
    expect(tracker.calls[1]!.body.itemId).toBe(tracker.calls[0]!.body.itemId);
    const all = await items(l2, ticket.id);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: failed.id, status: 'created', lastError: null });
    expect((await l2.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('pending_vendor');
  });

  it('gives up after the last attempt, says so in the timeline, and lets the request be handed off again', async () => {
    const ticket = await atLine();
    const l2 = await t.login('l2@demo.test');
    tracker.failNext = 5;
    expect((await handOff(l2, ticket.id)).status).toBe(202);
    // The engine's backoff: 1, 2, 4, 8 minutes after the failed attempts.
    for (const wait of [0, 1, 2, 4, 8]) {
      clock.advanceMinutes(wait);
      await fire();
    }
    expect(tracker.calls.map((c) => c.status)).toEqual([500, 500, 500, 500, 500]);
    const [failed] = await items(l2, ticket.id);
    expect(failed).toMatchObject({
      status: 'failed',
      externalId: null,
      lastError: expect.stringContaining('500'),
    });
    const notes = (await timeline(l2, ticket.id)).filter((e) => e.kind === 'note');
    expect(notes.at(-1)).toMatchObject({
      author: { name: 'Tierdesk' },
      body: expect.stringContaining('failed after 5 attempts'),
    });
    expect((await l2.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('new');
    clock.advanceMinutes(60);
    await fire();
    expect(tracker.calls).toHaveLength(5);

    expect((await handOff(l2, ticket.id)).status).toBe(202);
    await fire();
    expect(tracker.calls.at(-1)!.status).toBe(201);
    expect((await items(l2, ticket.id)).map((i) => i.status)).toEqual(['failed', 'created']);
    expect((await l2.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('pending_vendor');
  });

  it("adds the tracker's comments and status changes as internal notes and brings a fixed request back to its line", async () => {
    const { ticket, item, l2 } = await handedOff();
    const alice = await t.login('alice@client-a.test');
    expect(await resolution(l2, ticket.id)).toMatchObject({ state: 'paused' }); // client A's plan pauses for the vendor

    const comment = await send({
      externalId: item.externalId,
      type: 'comment',
      author: 'Ivan Developer',
      comment: 'Reproduced on release 3.0.1',
    });
    expect(comment.status).toBe(200);
    const notes = () =>
      timeline(l2, ticket.id).then((es) => es.filter((e) => e.kind === 'note').map((e) => e.body));
    expect(await notes()).toContain('Developer tracker — Ivan Developer: Reproduced on release 3.0.1');
    expect((await timeline(alice, ticket.id)).some((e) => e.body.includes('Reproduced'))).toBe(false);

    expect((await send({ externalId: item.externalId, type: 'status', status: 'In progress' })).status).toBe(
      200,
    );
    expect(await notes()).toContain(`Developer tracker: ${item.externalId} is now "In progress"`);
    expect((await items(l2, ticket.id))[0]).toMatchObject({ trackerStatus: 'In progress', fixedAt: null });
    expect((await l2.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('pending_vendor');

    clock.advanceMinutes(30);
    expect(
      (await send({ externalId: item.externalId, type: 'status', status: 'Ready for release', fixed: true }))
        .status,
    ).toBe(200);
    expect((await l2.get(`/api/v1/tickets/${ticket.id}`)).body).toMatchObject({ status: 'open', line: 'L2' });
    expect((await items(l2, ticket.id))[0]).toMatchObject({
      trackerStatus: 'Ready for release',
      fixedAt: '2026-11-25T07:30:00.000Z',
    });
    expect(await resolution(l2, ticket.id)).toMatchObject({ state: 'running' });
    const back = (await timeline(l2, ticket.id)).filter((e) => e.event?.type === 'status_changed').at(-1);
    expect(back).toMatchObject({
      author: { name: 'Tierdesk' },
      event: { data: { from: 'pending_vendor', to: 'open' } },
    });

    // The fixed hand-off is closed: the request may go to the developers again.
    expect((await handOff(l2, ticket.id, 'Still fails for credit notes')).status).toBe(202);
  });

  it('takes a fixed-like status word for fixed, whatever its case', async () => {
    const { ticket, item, l2 } = await handedOff();
    expect((await send({ externalId: item.externalId, type: 'status', status: 'DONE' })).status).toBe(200);
    expect((await l2.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('open');
  });

  it('refuses events with a bad, missing or stale signature, for unknown items, or malformed', async () => {
    const { ticket, item, l2 } = await handedOff();
    const before = (await timeline(l2, ticket.id)).length;
    const fixed = { externalId: item.externalId, type: 'status', status: 'Done', fixed: true };

    expect((await send(fixed, { secret: 'not-the-shared-secret!' })).status).toBe(401);
    const raw = JSON.stringify(fixed);
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    expect(
      (
        await send(fixed, {
          headers: {
            'x-tierdesk-signature': `sha256=${hmac(SECRET, timestamp, raw.replace('Done', 'Open'))}`,
          },
        })
      ).status,
    ).toBe(401);
    expect((await send(fixed, { headers: { 'x-tierdesk-signature': '' } })).status).toBe(401);
    expect(
      (
        await fetch(t.base + EVENTS, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: raw,
        })
      ).status,
    ).toBe(401);
    const stale = await send(fixed, { at: new Date(clock.now().getTime() - 6 * 60_000) });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as any).message).toMatch(/too old/);
    expect((await send(fixed, { at: new Date(clock.now().getTime() + 6 * 60_000) })).status).toBe(401);
    expect((await timeline(l2, ticket.id)).length).toBe(before);
    expect((await l2.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('pending_vendor');
    expect((await items(l2, ticket.id))[0]).toMatchObject({ trackerStatus: null, fixedAt: null });

    expect((await send({ ...fixed, externalId: 'DEV-404404' })).status).toBe(404);
    expect((await send({ externalId: item.externalId, type: 'comment' })).status).toBe(400);
    expect((await send({ externalId: item.externalId, type: 'deleted' })).status).toBe(400);
    expect((await send(undefined, { raw: '{"externalId": ' })).status).toBe(400);
    expect((await timeline(l2, ticket.id)).length).toBe(before);
  });

  describe('without a tracker configured', () => {
    const bare = useTestApp(kind, {}, { clock });

    it("refuses the hand-off with not_configured, and the tracker's events too", async () => {
      clock.set(START);
      const alice = await bare.login('alice@client-a.test');
      const ticket = (await alice.post('/api/v1/tickets', { subject: 'Report', description: 'It is empty' }))
        .body;
      const manager = await bare.login('manager@demo.test');
      expect(
        (await manager.patch(`/api/v1/tickets/${ticket.id}`, { line: 'L2', reason: 'Needs an engineer' }))
          .status,
      ).toBe(200);
      const r = await handOff(await bare.login('l2@demo.test'), ticket.id);
      expect(r.status).toBe(409);
      expect(r.body.error).toBe('not_configured');
      const e = await fetch(bare.base + EVENTS, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(e.status).toBe(409);
    });
  });
});
