import crypto, { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { buildMessage, sendRaw, useSmtpListener } from '../support/email.js';

/**
 * Automation rules on what comes by the channels, through their real paths: mail over SMTP to one
 * mailbox or another (`mailbox.id`), and a missed call from a PBX (`call.missed`).
 */

// Wednesday 25 November 2026, 10:00 in Moscow: within client A's working hours.
const START = '2026-11-25T07:00:00.000Z';
const R = '/api/v1/automation/rules';
const ALICE_PHONE = '+79161110001';

describe.each(DATABASES)('automation rules on channels (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });
  const smtp = useSmtpListener(t);
  let manager: Client, admin: Client, l1: Client;
  const made: string[] = [];

  beforeAll(async () => {
    [manager, admin, l1] = (await Promise.all(['manager@demo.test', 'admin@demo.test', 'l1@demo.test'].map((e) => t.login(e)))) as [Client, Client, Client];
  });

  afterEach(async () => {
    for (const id of made.splice(0)) await manager.delete(`${R}/${id}`);
  });

  const rule = async (body: Record<string, unknown>) => {
    const r = await manager.post(R, { name: `Rule ${randomUUID().slice(0, 8)}`, events: ['ticket.created'], ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    made.push(r.body.id);
    return r.body as { id: string };
  };
  const runs = async (ruleId: string) => (await manager.get(`${R}/${ruleId}/runs`)).body.items as { ticketId: string; event: string; matched: boolean; error: unknown }[];
  const detail = async (id: string) => (await l1.get(`/api/v1/tickets/${id}`)).body as { id: string; tags: string[]; channel: string };

  it('matches a request by the mailbox its mail came to, and not one that came to another', async () => {
    const second = await admin.post('/api/v1/email/mailboxes', { address: 'network@desk.test', name: 'Network desk', authPolicy: 'accept_unverified' });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const matched = await rule({ conditions: { all: [{ field: 'mailbox.id', op: 'is', value: second.body.id }] }, actions: [{ type: 'tags', add: ['network-mailbox'] }] });
    await rule({ conditions: { all: [{ field: 'mailbox.id', op: 'in', value: [second.body.id] }, { field: 'ticket.channel', op: 'is', value: 'email' }] }, actions: [{ type: 'tags', add: ['in-list'] }] });

    const mail = async (to: string, subject: string) => {
      const raw = buildMessage({ from: 'Alice Petrova <alice@client-a.test>', to, subject, messageId: `${randomUUID()}@client-a.test` }, 'The switch in room 4 blinks red.');
      expect(await sendRaw(smtp.port, raw, { from: 'alice@client-a.test', to: [to] })).toMatchObject({ ok: true, code: 250 });
      const found = (await l1.get(`/api/v1/tickets?q=${encodeURIComponent(subject)}`)).body.items as { id: string }[];
      expect(found).toHaveLength(1);
      return detail(found[0]!.id);
    };
    const toNetwork = await mail('network@desk.test', 'Switch blinks red network');
    const toSupport = await mail('support@desk.test', 'Switch blinks red support');
    expect(toNetwork.channel).toBe('email');
    expect(toNetwork.tags).toEqual(expect.arrayContaining(['network-mailbox', 'in-list']));
    expect(toSupport.channel).toBe('email');
    expect(toSupport.tags).not.toContain('network-mailbox');
    expect(toSupport.tags).not.toContain('in-list');
    expect((await runs(matched.id)).map((r) => r.ticketId)).toEqual([toNetwork.id]);
  });

  it('runs a call.missed rule on the request a missed call was put on', async () => {
    const pbx = (await admin.post('/api/v1/phone/connectors', { name: 'Office Asterisk' })).body as { id: string; secret: string };
    let seq = 0;
    const send = async (body: Record<string, unknown>) => {
      const raw = JSON.stringify(body);
      const ts = String(Math.floor(clock.now().getTime() / 1000));
      const signature = `sha256=${crypto.createHmac('sha256', pbx.secret).update(`${ts}.${raw}`).digest('hex')}`;
      const res = await fetch(`${t.base}/api/v1/phone/connectors/${pbx.id}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tierdesk-timestamp': ts, 'x-tierdesk-signature': signature }, body: raw });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    const call = (type: string, at: string) => ({ eventId: `e-${++seq}`, callId: 'c-missed-rule', type, direction: 'inbound', from: ALICE_PHONE, to: '+74950000000', at });

    const onMissed = await rule({
      events: ['call.missed'],
      conditions: { all: [{ field: 'ticket.channel', op: 'is', value: 'phone' }] },
      actions: [
        { type: 'tags', add: ['missed-call'] },
        { type: 'priority', priority: 'P2' },
      ],
    });
    const wrongChannel = await rule({ events: ['call.missed'], conditions: { all: [{ field: 'ticket.channel', op: 'is', value: 'email' }] }, actions: [{ type: 'tags', add: ['x-email'] }] });

    const at = new Date(clock.now().getTime() - 120_000).toISOString();
    await send(call('ringing', at));
    await send(call('hangup', new Date(Date.parse(at) + 20_000).toISOString()));
    const logged = ((await l1.get('/api/v1/phone/calls?limit=200')).body.items as { externalId: string; outcome: string; ticket: { id: string } | null }[]).find((c) => c.externalId === 'c-missed-rule');
    expect(logged).toMatchObject({ outcome: 'missed', ticket: { id: expect.any(String) } });
    const ticketId = logged!.ticket!.id;
    const d = await detail(ticketId);
    expect(d.tags).toContain('missed-call');
    expect(d.tags).not.toContain('x-email');
    expect((await l1.get(`/api/v1/tickets/${ticketId}`)).body.priority).toBe('P2');
    expect(await runs(onMissed.id)).toMatchObject([{ ticketId, event: 'call.missed', matched: true, error: null }]);
    expect(await runs(wrongChannel.id)).toEqual([]);
  });
});
