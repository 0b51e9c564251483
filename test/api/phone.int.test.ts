import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import type { Client, Res } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

// Wednesday 25 November 2026, 10:00 in Moscow: within client A's working hours.
const START = '2026-11-25T07:00:00.000Z';
const ALICE = '+79161110001'; // client A (Optimized: phone support), Russian
const BOB = '+447911123456'; // client B (Extended: phone support), English
const CAROL = '+79161110003'; // client C (Minimized: no phone support)
const STRANGER = '+79990001122';
const DESK = '+74950000000';

const minutesBefore = (m: number) => new Date(Date.parse(START) - m * 60_000).toISOString();
const hmac = (secret: string, payload: string, ts: string) => `sha256=${crypto.createHmac('sha256', secret).update(`${ts}.${payload}`).digest('hex')}`;

interface Connector {
  id: string;
  secret: string;
}

describe.each(DATABASES)('telephone channel (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });
  let admin: Client, manager: Client, l1: Client, alice: Client, itA: Client, bob: Client;
  let pbx: Connector;
  const ids: Record<string, string> = {};
  let seq = 0;

  /** Posts a body to a connector's events URL, signed now with its secret unless told otherwise. */
  async function send(c: Connector, body: unknown, o: { ts?: string; signature?: string | null; form?: boolean; id?: string } = {}): Promise<Res> {
    const raw = o.form
      ? new URLSearchParams(Object.entries(body as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)])).toString()
      : typeof body === 'string'
        ? body
        : JSON.stringify(body);
    const ts = o.ts ?? String(Math.floor(clock.now().getTime() / 1000));
    const headers: Record<string, string> = { 'content-type': o.form ? 'application/x-www-form-urlencoded' : 'application/json', 'x-tierdesk-timestamp': ts };
    if (o.signature !== null) headers['x-tierdesk-signature'] = o.signature ?? hmac(c.secret, raw, ts);
    const res = await fetch(`${t.base}/api/v1/phone/connectors/${o.id ?? c.id}/events`, { method: 'POST', headers, body: raw });
    return { status: res.status, body: await res.json(), headers: res.headers };
  }
  /** One event of a call, with defaults: inbound from Alice to the desk. */
  const event = (callId: string, type: 'ringing' | 'answered' | 'hangup', at: string, extra: Record<string, unknown> = {}) => ({
    eventId: `e-${++seq}`,
    callId,
    type,
    direction: 'inbound',
    from: ALICE,
    to: DESK,
    at,
    ...extra,
  });
  const ok = async (r: Res | Promise<Res>, status = 200) => {
    const res = await r;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  };
  /** An inbound call from `from` that rings and ends unanswered at `at`. */
  const missed = async (callId: string, from: string, at: string, cause?: string) => {
    await ok(send(pbx, event(callId, 'ringing', at, { from })));
    return (await ok(send(pbx, event(callId, 'hangup', new Date(Date.parse(at) + 20_000).toISOString(), { from, ...(cause && { cause }) })))).callId as string;
  };
  const callByExternal = async (externalId: string) =>
    ((await ok(l1.get('/api/v1/phone/calls?limit=200'))).items as any[]).find((c) => c.externalId === externalId);
  const sla = async (ticketId: string | undefined) =>
    Object.fromEntries(((await ok(l1.get(`/api/v1/tickets/${ticketId}/sla`))).clocks as any[]).map((k) => [k.metric, k]));
  const callbacks = async () => (await ok(l1.get('/api/v1/phone/callbacks'))).items as any[];

  beforeAll(async () => {
    [admin, manager, l1, alice, itA, bob] = (await Promise.all(
      ['admin@demo.test', 'manager@demo.test', 'l1@demo.test', 'alice@client-a.test', 'it@client-a.test', 'bob@client-b.test'].map((e) => t.login(e)),
    )) as [Client, Client, Client, Client, Client, Client];
    for (const [name, c] of Object.entries({ l1, alice, bob, itA })) ids[name] = (await ok(c.get('/api/v1/me'))).id;
    const orgs = (await ok(admin.get('/api/v1/organizations'))).items as any[];
    ids.orgA = orgs.find((o) => o.name === 'Client A Logistics').id;
    ids.orgB = orgs.find((o) => o.name === 'Client B Retail').id;
    pbx = await ok(admin.post('/api/v1/phone/connectors', { name: 'Office Asterisk' }), 201);
  });

  it('has a telephone in the demo data: calls of the last hours and two callbacks, one with its request', async () => {
    const list = await callbacks();
    const igor = list.find((c) => c.number === '+79161110002');
    expect(igor).toMatchObject({ status: 'open', caller: { name: 'Igor Ivanov (IT, Client A)' }, ticket: { id: expect.any(String) } });
    expect((await ok(l1.get(`/api/v1/tickets/${igor.ticket.id}`))).subject).toBe('Пропущенный звонок от Igor Ivanov (IT, Client A)');
    expect(list.find((c) => c.number === '+74951234567')).toMatchObject({ status: 'open', caller: null, ticket: null });
    const log = (await ok(l1.get('/api/v1/phone/calls?number=%2B447911123456&limit=200'))).items as any[];
    expect(log.find((c) => c.externalId === 'demo-in-bob')).toMatchObject({ outcome: 'answered', talkSeconds: 288, agent: { name: 'Liam L1' } });
  });

  it('lets only admins manage PBX connectors, and shows the secret only on creation', async () => {
    expect(pbx.secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const other = await ok(admin.post('/api/v1/phone/connectors', { name: 'Client B hotline', defaultOrganizationId: ids.orgB, active: false }), 201);
    expect(other).toMatchObject({ active: false, defaultOrganizationId: ids.orgB, eventsUrl: expect.stringContaining(`/api/v1/phone/connectors/${other.id}/events`) });
    const list = (await ok(admin.get('/api/v1/phone/connectors'))).items as any[];
    expect(list.map((c) => c.name)).toEqual(['Client B hotline', 'Office Asterisk', 'Office PBX (demo)']);
    for (const c of list) expect(c).not.toHaveProperty('secret');
    expect(await ok(admin.get(`/api/v1/phone/connectors/${pbx.id}`))).not.toHaveProperty('secret');
    expect(await ok(admin.patch(`/api/v1/phone/connectors/${other.id}`, { name: 'Client B line' }))).toMatchObject({ name: 'Client B line', active: false });
    expect((await admin.post('/api/v1/phone/connectors', { name: 'Office Asterisk' })).status).toBe(409);
    const bad = await admin.post('/api/v1/phone/connectors', { name: 'X', defaultOrganizationId: crypto.randomUUID() });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('defaultOrganizationId');
    const rotated = await ok(admin.post(`/api/v1/phone/connectors/${other.id}/secret`));
    expect(rotated.secret).not.toBe(other.secret);
    for (const c of [manager, l1, alice, itA, bob]) {
      expect((await c.get('/api/v1/phone/connectors')).status).toBe(403);
      expect((await c.post('/api/v1/phone/connectors', { name: 'Mine' })).status).toBe(403);
      expect((await c.get(`/api/v1/phone/connectors/${pbx.id}`)).status).toBe(403);
      expect((await c.patch(`/api/v1/phone/connectors/${pbx.id}`, { active: false })).status).toBe(403);
      expect((await c.post(`/api/v1/phone/connectors/${pbx.id}/secret`)).status).toBe(403);
      expect((await c.delete(`/api/v1/phone/connectors/${pbx.id}`)).status).toBe(403);
    }
    expect((await t.anonymous().get('/api/v1/phone/connectors')).status).toBe(401);
    expect((await admin.delete(`/api/v1/phone/connectors/${other.id}`)).status).toBe(204);
    expect((await admin.get(`/api/v1/phone/connectors/${other.id}`)).status).toBe(404);
  });

  it('logs an inbound call from ringing to answer to hang-up', async () => {
    await ok(send(pbx, event('c-in-1', 'ringing', minutesBefore(30))));
    const r = await ok(send(pbx, event('c-in-1', 'answered', minutesBefore(29.75), { agent: 'l1@demo.test' })));
    expect(r).toMatchObject({ ok: true, duplicate: false });
    const live = await ok(l1.get(`/api/v1/phone/calls/${r.callId}`));
    expect(live).toMatchObject({ outcome: null, endedAt: null, agent: { id: ids.l1 } });
    await ok(send(pbx, event('c-in-1', 'hangup', minutesBefore(28.25), { cause: 'answered' })));
    const call = await ok(l1.get(`/api/v1/phone/calls/${r.callId}`));
    expect(call).toMatchObject({
      externalId: 'c-in-1',
      direction: 'inbound',
      number: ALICE,
      caller: { id: ids.alice, name: 'Alice Petrova' },
      organization: { id: ids.orgA },
      agent: { id: ids.l1 },
      startedAt: minutesBefore(30),
      answeredAt: minutesBefore(29.75),
      endedAt: minutesBefore(28.25),
      talkSeconds: 90,
      outcome: 'answered',
      ticket: null,
      callback: null,
    });
  });

  it('ends an out-of-order call in the same state as an ordered one', async () => {
    const hangup = await ok(send(pbx, event('c-ooo', 'hangup', minutesBefore(25), { cause: 'answered', duration: 95 })));
    expect((await ok(l1.get(`/api/v1/phone/calls/${hangup.callId}`))).outcome).toBe('answered');
    await ok(send(pbx, event('c-ooo', 'answered', minutesBefore(26.6), { agent: 'l1@demo.test' })));
    await ok(send(pbx, event('c-ooo', 'ringing', minutesBefore(27))));
    expect(await ok(l1.get(`/api/v1/phone/calls/${hangup.callId}`))).toMatchObject({
      startedAt: minutesBefore(27),
      answeredAt: minutesBefore(26.6),
      endedAt: minutesBefore(25),
      talkSeconds: 95,
      outcome: 'answered',
      agent: { id: ids.l1 },
      callback: null,
    });
  });

  it('logs an outbound call, the agent named by e-mail, the client by the called number', async () => {
    const out = { direction: 'outbound', from: '101', to: '8 (916) 111-00-03', agent: 'l1@demo.test' };
    await ok(send(pbx, event('c-out-1', 'ringing', minutesBefore(20), out)));
    await ok(send(pbx, event('c-out-1', 'answered', minutesBefore(19.5), out)));
    const r = await ok(send(pbx, event('c-out-1', 'hangup', minutesBefore(18), { ...out, cause: 'answered' })));
    expect(await ok(l1.get(`/api/v1/phone/calls/${r.callId}`))).toMatchObject({
      direction: 'outbound',
      from: '101',
      number: CAROL,
      caller: { name: 'Carol Orlova' },
      agent: { id: ids.l1 },
      talkSeconds: 90,
      outcome: 'answered',
    });
  });

  it('accepts the same fields form-encoded', async () => {
    const r = await ok(send(pbx, event('c-form', 'hangup', minutesBefore(17), { from: BOB, cause: 'answered', duration: 30 }), { form: true }));
    expect(await ok(l1.get(`/api/v1/phone/calls/${r.callId}`))).toMatchObject({ number: BOB, talkSeconds: 30, outcome: 'answered', caller: { id: ids.bob } });
  });

  it('refuses unsigned, wrongly signed and stale events, unknown connectors and malformed bodies', async () => {
    const body = event('c-sig', 'ringing', minutesBefore(10));
    const now = Math.floor(clock.now().getTime() / 1000);
    for (const o of [{ signature: null }, { signature: `sha256=${'0'.repeat(64)}` }, { signature: 'md5=abc' }, { ts: String(now - 301) }, { ts: String(now + 301) }, { ts: 'yesterday' }]) {
      const r = await send(pbx, body, o);
      expect(r.status, JSON.stringify(o)).toBe(401);
      expect(r.body.error).toBe('unauthorized');
    }
    // Signed with another connector's secret, or the body changed after signing.
    expect((await send({ ...pbx, secret: 'not-the-secret' }, body)).status).toBe(401);
    const ts = String(now);
    expect((await send(pbx, JSON.stringify({ ...body, from: STRANGER }), { ts, signature: hmac(pbx.secret, JSON.stringify(body), ts) })).status).toBe(401);
    expect((await send(pbx, body, { id: crypto.randomUUID() })).status).toBe(404);
    // Within five minutes is fine.
    expect((await send(pbx, body, { ts: String(now - 290) })).status).toBe(200);

    const bad = async (b: unknown, field: string) => {
      const r = await send(pbx, b);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.message).toContain(field);
      return r;
    };
    await bad({ ...event('c-bad', 'ringing', minutesBefore(5)), type: 'transferred' }, 'type');
    await bad({ ...event('c-bad', 'ringing', minutesBefore(5)), direction: 'sideways' }, 'direction');
    await bad({ ...event('c-bad', 'hangup', minutesBefore(5)), cause: 'aliens' }, 'cause');
    await bad({ ...event('c-bad', 'ringing', 'yesterday') }, 'at');
    const { callId: _c, ...noCallId } = event('c-bad', 'ringing', minutesBefore(5));
    await bad(noCallId, 'callId');
    await bad('{"eventId": ', 'body');
    await bad('[1,2]', 'body');
    expect((await l1.get('/api/v1/phone/calls?limit=200')).body.items.some((c: any) => c.externalId === 'c-bad')).toBe(false);
  });

  it('counts a replayed event once', async () => {
    const first = event('c-replay', 'hangup', minutesBefore(9), { cause: 'answered', duration: 40 });
    const r1 = await ok(send(pbx, first));
    // The same eventId again, even with other content: a duplicate, nothing changes.
    const r2 = await ok(send(pbx, { ...first, duration: 400 }));
    expect(r2).toEqual({ ok: true, duplicate: true, callId: r1.callId });
    expect((await ok(l1.get(`/api/v1/phone/calls/${r1.callId}`))).talkSeconds).toBe(40);
  });

  it('identifies callers for agents and for the PBX, and refuses invalid numbers', async () => {
    const known = await ok(l1.get(`/api/v1/phone/lookup?number=${encodeURIComponent('8 916 111-00-01')}`));
    expect(known).toMatchObject({
      number: ALICE,
      caller: { id: ids.alice, name: 'Alice Petrova', role: 'requester' },
      organization: { id: ids.orgA, name: 'Client A Logistics' },
      plan: { code: 'optimized', phoneSupport: true },
      contract: { active: true, includedMinutes: 40 * 60 },
    });
    expect(known.openRequests.length).toBeGreaterThan(0);
    expect(known.recentCalls.map((c: any) => c.direction)).toContain('inbound');
    const unknown = await ok(l1.get(`/api/v1/phone/lookup?number=${encodeURIComponent(STRANGER)}`));
    expect(unknown).toMatchObject({ number: STRANGER, caller: null, organization: null, plan: null, openRequests: [], recentCalls: [] });
    const invalid = await l1.get('/api/v1/phone/lookup?number=12');
    expect(invalid.status).toBe(400);
    expect(invalid.body.details[0].path).toBe('number');
    expect((await l1.get('/api/v1/phone/lookup')).status).toBe(400);

    // The PBX's screen pop, signed over the query string.
    const query = `number=${encodeURIComponent(BOB)}`;
    const ts = String(Math.floor(clock.now().getTime() / 1000));
    const pop = (signature: string) =>
      fetch(`${t.base}/api/v1/phone/connectors/${pbx.id}/lookup?${query}`, { headers: { 'x-tierdesk-timestamp': ts, 'x-tierdesk-signature': signature } });
    const good = await pop(hmac(pbx.secret, query, ts));
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ caller: { id: ids.bob }, plan: { code: 'extended' } });
    expect((await pop(hmac('wrong', query, ts))).status).toBe(401);
    expect((await fetch(`${t.base}/api/v1/phone/connectors/${pbx.id}/lookup?${query}`)).status).toBe(401);
  });

  it('turns a missed call from a client under contract into a request with the SLA running, and a callback', async () => {
    clock.set(START);
    const callId = await missed('c-miss-1', ALICE, minutesBefore(2));
    const call = await ok(l1.get(`/api/v1/phone/calls/${callId}`));
    expect(call).toMatchObject({ outcome: 'missed', callback: { status: 'open' }, ticket: { id: expect.any(String) } });
    const ticket = await ok(l1.get(`/api/v1/tickets/${call.ticket.id}`));
    expect(ticket).toMatchObject({ channel: 'phone', line: 'L1', subject: 'Пропущенный звонок от Alice Petrova', status: 'new', requester: { id: ids.alice } });
    expect(ticket.description).toContain(ALICE);
    expect((await sla(call.ticket.id)).first_response).toMatchObject({ state: 'running', met: null });
    ids.missTicket = call.ticket.id;
    ids.missCall = callId;

    const list = await callbacks();
    expect(list.map((c) => c.callId)).toContain(callId);
    expect(list.find((c) => c.callId === callId)).toMatchObject({ number: ALICE, caller: { id: ids.alice }, missedCalls: 1, status: 'open', ticket: { id: call.ticket.id } });

    // An English-speaking client gets an English subject; busy counts as missed.
    const bobCall = await missed('c-miss-bob', BOB, minutesBefore(1), 'busy');
    const bobTicket = (await ok(l1.get(`/api/v1/phone/calls/${bobCall}`))).ticket.id;
    expect((await ok(l1.get(`/api/v1/tickets/${bobTicket}`))).subject).toBe('Missed call from Bob Smith');
    ids.bobTicket = bobTicket;
  });

  it('adds repeated missed calls from the same caller to the same request', async () => {
    clock.advanceMinutes(5);
    const again = await missed('c-miss-2', ALICE, new Date(clock.now().getTime() - 60_000).toISOString(), 'no_answer');
    const call = await ok(l1.get(`/api/v1/phone/calls/${again}`));
    expect(call).toMatchObject({ outcome: 'missed', ticket: { id: ids.missTicket }, callback: { status: 'merged', of: ids.missCall } });
    const open = (await callbacks()).filter((c) => c.number === ALICE);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ callId: ids.missCall, missedCalls: 2 });
    const notes = ((await ok(l1.get(`/api/v1/tickets/${ids.missTicket}/timeline`))).items as any[]).filter((e) => e.kind === 'note');
    expect(notes.map((n) => n.body).join('\n')).toContain('Ещё один пропущенный звонок');
    const aliceTickets = (await ok(l1.get(`/api/v1/tickets?requesterId=${ids.alice}&limit=200`))).items as any[];
    expect(aliceTickets.filter((x) => x.channel === 'phone')).toHaveLength(1);
  });

  it('completes the callback when an agent calls the number back and gets through', async () => {
    clock.advanceMinutes(5);
    const at = (m: number) => new Date(clock.now().getTime() - m * 60_000).toISOString();
    const out = { direction: 'outbound', from: '101', to: ALICE, agent: 'l1@demo.test' };
    // Not answered: the callback stays open.
    await ok(send(pbx, event('c-back-0', 'ringing', at(4), out)));
    await ok(send(pbx, event('c-back-0', 'hangup', at(3.9), { ...out, cause: 'no_answer' })));
    expect((await callbacks()).some((c) => c.callId === ids.missCall)).toBe(true);
    await ok(send(pbx, event('c-back-1', 'ringing', at(3), out)));
    const answered = await ok(send(pbx, event('c-back-1', 'answered', at(2.9), out)));
    expect((await callbacks()).some((c) => c.callId === ids.missCall)).toBe(false);
    await ok(send(pbx, event('c-back-1', 'hangup', at(1), { ...out, cause: 'answered' })));
    expect(await ok(l1.get(`/api/v1/phone/calls/${ids.missCall}`))).toMatchObject({ callback: { status: 'done', doneBy: { id: ids.l1 }, byCallId: answered.callId } });
    const merged = (await callByExternal('c-miss-2')).callback;
    expect(merged.status).toBe('done');
    const done = (await ok(l1.get('/api/v1/phone/callbacks?status=done'))).items as any[];
    expect(done.find((c) => c.callId === ids.missCall)).toMatchObject({ status: 'done', missedCalls: 2 });
    const notes = ((await ok(l1.get(`/api/v1/tickets/${ids.missTicket}/timeline`))).items as any[]).filter((e) => e.kind === 'note');
    expect(notes.at(-1).body).toContain('Перезвонили: Lena L1');
    // The callback itself is not the first response: the agent's public reply is.
    expect((await sla(ids.missTicket)).first_response.state).toBe('running');
    await ok(l1.post(`/api/v1/tickets/${ids.missTicket}/comments`, { body: 'Перезвонили, разбираемся.', internal: false }), 201);
    expect((await sla(ids.missTicket)).first_response).toMatchObject({ state: 'stopped', met: true });
  });

  it('lists missed calls without a contract for a callback, without a request, and lets an agent mark them done', async () => {
    const stranger = await missed('c-miss-stranger', STRANGER, minutesBefore(-9));
    const carol = await missed('c-miss-carol', CAROL, minutesBefore(-9.5), 'voicemail');
    for (const id of [stranger, carol]) expect(await ok(l1.get(`/api/v1/phone/calls/${id}`))).toMatchObject({ ticket: null, callback: { status: 'open' } });
    const list = await callbacks();
    const pos = (id: string) => list.findIndex((c) => c.callId === id);
    expect(pos(stranger)).toBeGreaterThanOrEqual(0);
    expect(pos(carol)).toBeGreaterThan(pos(stranger)); // oldest first
    expect(list[pos(stranger)]).toMatchObject({ caller: null, organization: null, ticket: null });
    const done = await ok(l1.post(`/api/v1/phone/callbacks/${stranger}/done`));
    expect(done).toMatchObject({ callId: stranger, status: 'done', doneBy: { id: ids.l1 } });
    expect((await l1.post(`/api/v1/phone/callbacks/${stranger}/done`)).status).toBe(409);
    expect((await l1.post(`/api/v1/phone/callbacks/${crypto.randomUUID()}/done`)).status).toBe(404);
    expect((await callbacks()).some((c) => c.callId === stranger)).toBe(false);
    // An answered call has no callback to complete.
    expect((await l1.post(`/api/v1/phone/callbacks/${(await callByExternal('c-in-1')).id}/done`)).status).toBe(404);
  });

  it('makes a request from a call, notes the call and logs its talk time once', async () => {
    const call = await callByExternal('c-in-1'); // Alice, 90 s, answered by L1
    const r = await ok(l1.post(`/api/v1/phone/calls/${call.id}/ticket`, { subject: 'Printer jams', description: 'Alice called about the printer.' }), 201);
    expect(r).toMatchObject({ created: true, workEntryId: expect.any(String), call: { ticket: { id: r.ticketId } } });
    const ticket = await ok(l1.get(`/api/v1/tickets/${r.ticketId}`));
    expect(ticket).toMatchObject({ channel: 'phone', subject: 'Printer jams', requester: { id: ids.alice } });
    const notes = ((await ok(l1.get(`/api/v1/tickets/${r.ticketId}/timeline`))).items as any[]).filter((e) => e.kind === 'note');
    expect(notes).toHaveLength(1);
    // In the agent's language (Lena works in Russian).
    expect(notes[0].body).toBe('Входящий звонок с номера +79161110001, 25.11.2026 09:30 (Europe/Moscow), разговор 1 мин 30 с, оператор Lena L1.');
    const work = await ok(l1.get(`/api/v1/tickets/${r.ticketId}/work-entries`));
    expect(work.items).toHaveLength(1);
    expect(work.items[0]).toMatchObject({ agentId: ids.l1, minutes: 2, activity: 'call' });
    // Not twice.
    const again = await l1.post(`/api/v1/phone/calls/${call.id}/ticket`, { ticketId: r.ticketId });
    expect(again.status).toBe(409);
    expect((await ok(l1.get(`/api/v1/tickets/${r.ticketId}/work-entries`))).items).toHaveLength(1);
    ids.fromCall = r.ticketId;
  });

  it('adds a call to an open request of the caller\'s organization, and only of it', async () => {
    const call = await callByExternal('c-ooo'); // Alice, 95 s
    // Another organization's request, or requester: refused.
    const bobs = await l1.post(`/api/v1/phone/calls/${call.id}/ticket`, { ticketId: ids.bobTicket });
    expect(bobs.status).toBe(403);
    const bobAsRequester = await l1.post(`/api/v1/phone/calls/${call.id}/ticket`, { subject: 'Wrong person', requesterId: ids.bob });
    expect(bobAsRequester.status).toBe(403);
    // Malformed: 400 naming the field.
    const neither = await l1.post(`/api/v1/phone/calls/${call.id}/ticket`, { description: 'no subject' });
    expect(neither.status).toBe(400);
    expect(neither.body.message).toContain('subject');
    const r = await ok(l1.post(`/api/v1/phone/calls/${call.id}/ticket`, { ticketId: ids.fromCall }));
    expect(r).toMatchObject({ created: false, ticketId: ids.fromCall });
    const work = (await ok(l1.get(`/api/v1/tickets/${ids.fromCall}/work-entries`))).items as any[];
    expect(work.map((w) => w.minutes).sort()).toEqual([2, 2]);
    // The caller unknown: the agent names the requester, from any organization.
    const unknownCall = (await ok(send(pbx, event('c-unknown-answered', 'hangup', minutesBefore(3), { from: STRANGER, cause: 'answered', duration: 61, agent: 'l1@demo.test' })))).callId;
    const noRequester = await l1.post(`/api/v1/phone/calls/${unknownCall}/ticket`, { subject: 'Who?' });
    expect(noRequester.status).toBe(400);
    expect(noRequester.body.details[0].path).toBe('requesterId');
    const forBob = await ok(l1.post(`/api/v1/phone/calls/${unknownCall}/ticket`, { subject: 'Called from a new number', requesterId: ids.bob }), 201);
    expect((await ok(l1.get(`/api/v1/tickets/${forBob.ticketId}/work-entries`))).items[0]).toMatchObject({ minutes: 2 });
    // A call still in progress is linked when it ends.
    const live = (await ok(send(pbx, event('c-live', 'answered', minutesBefore(1), { agent: 'l1@demo.test' })))).callId;
    expect((await l1.post(`/api/v1/phone/calls/${live}/ticket`, { ticketId: ids.fromCall })).status).toBe(409);
  });

  it('closes the callback of a call whose answer arrives after its end, and says so on the request it opened', async () => {
    const number = '+79161110077';
    const person = await ok(admin.post('/api/v1/users', { email: 'late.answer@client-a.test', name: 'Lena Late', role: 'requester', organizationId: ids.orgA, phone: number }), 201);
    const at = minutesBefore(3);
    await ok(send(pbx, event('c-late', 'ringing', at, { from: number })));
    // The hang-up (no cause, no talk time) comes first: taken for a missed call, with a callback and a request.
    const { callId } = await ok(send(pbx, event('c-late', 'hangup', minutesBefore(1), { from: number })));
    const missedCall = await ok(l1.get(`/api/v1/phone/calls/${callId}`));
    expect(missedCall).toMatchObject({ outcome: 'missed', callback: { status: 'open' }, ticket: { id: expect.any(String) } });
    expect((await ok(l1.get(`/api/v1/tickets/${missedCall.ticket.id}`))).requester.id).toBe(person.id);
    // Then the answer, from before the hang-up.
    await ok(send(pbx, event('c-late', 'answered', minutesBefore(2.5), { from: number, agent: 'l1@demo.test' })));
    expect(await ok(l1.get(`/api/v1/phone/calls/${callId}`))).toMatchObject({ outcome: 'answered', callback: { status: 'done' } });
    expect((await callbacks()).some((c) => c.callId === callId)).toBe(false);
    const notes = ((await ok(l1.get(`/api/v1/tickets/${missedCall.ticket.id}/timeline`))).items as any[]).filter((e) => e.kind === 'note');
    expect(notes.map((n) => n.body)).toContain('Звонок всё-таки был принят (Lena L1): перезванивать не нужно. Закройте заявку, если вопрос решён.');
  });

  it('filters and pages the call log', async () => {
    const missedOnly = (await ok(l1.get('/api/v1/phone/calls?outcome=missed,busy,voicemail&limit=200'))).items as any[];
    expect(missedOnly.length).toBeGreaterThanOrEqual(4);
    for (const c of missedOnly) expect(['missed', 'busy', 'voicemail']).toContain(c.outcome);
    const byNumber = (await ok(l1.get(`/api/v1/phone/calls?number=${encodeURIComponent('8 916 111 00 01')}&limit=200`))).items as any[];
    expect(byNumber.length).toBeGreaterThan(0);
    for (const c of byNumber) expect(c.number).toBe(ALICE);
    const mine = (await ok(l1.get('/api/v1/phone/calls?agentId=me&direction=outbound&limit=200'))).items as any[];
    expect(mine.length).toBeGreaterThan(0);
    for (const c of mine) expect(c).toMatchObject({ agent: { id: ids.l1 }, direction: 'outbound' });
    const window = (await ok(l1.get(`/api/v1/phone/calls?from=${encodeURIComponent(minutesBefore(31))}&to=${encodeURIComponent(minutesBefore(26))}`))).items as any[];
    expect(window.map((c) => c.externalId).sort()).toEqual(['c-in-1', 'c-ooo']);
    // Pages of two, newest first, meet without overlap.
    const all = (await ok(l1.get('/api/v1/phone/calls?limit=200'))).items as any[];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await ok(l1.get(`/api/v1/phone/calls?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...page.items.map((c: any) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((c) => c.id));
    expect((await l1.get('/api/v1/phone/calls?cursor=garbage')).status).toBe(400);
    expect((await l1.get('/api/v1/phone/calls?outcome=lost')).status).toBe(400);
    const badNumber = await l1.get('/api/v1/phone/calls?number=abc');
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.details[0].path).toBe('number');
  });

  it("refuses client-side people (a client's IT manager included) on every telephone endpoint", async () => {
    const call = await callByExternal('c-in-1');
    const someCallback = (await callbacks())[0]?.callId ?? call.id;
    for (const c of [alice, itA, bob]) {
      const tries = [
        c.get('/api/v1/phone/calls'),
        c.get(`/api/v1/phone/calls/${call.id}`),
        c.post(`/api/v1/phone/calls/${call.id}/ticket`, { ticketId: ids.fromCall }),
        c.get(`/api/v1/phone/lookup?number=${encodeURIComponent(ALICE)}`),
        c.get('/api/v1/phone/callbacks'),
        c.post(`/api/v1/phone/callbacks/${someCallback}/done`),
        c.get('/api/v1/phone/connectors'),
      ];
      for (const r of await Promise.all(tries)) expect(r.status, JSON.stringify(r.body)).toBe(403);
    }
    const anon = t.anonymous();
    for (const r of await Promise.all([anon.get('/api/v1/phone/calls'), anon.get('/api/v1/phone/callbacks'), anon.get(`/api/v1/phone/lookup?number=${encodeURIComponent(ALICE)}`)]))
      expect(r.status).toBe(401);
  });

  it('refuses events for a disabled connector, and keeps a connector with calls', async () => {
    await ok(admin.patch(`/api/v1/phone/connectors/${pbx.id}`, { active: false }));
    expect((await send(pbx, event('c-off', 'ringing', minutesBefore(1)))).status).toBe(403);
    expect((await admin.delete(`/api/v1/phone/connectors/${pbx.id}`)).status).toBe(409);
    await ok(admin.patch(`/api/v1/phone/connectors/${pbx.id}`, { active: true }));
  });
});
