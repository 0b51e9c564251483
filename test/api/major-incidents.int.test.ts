import { describe, expect, it } from 'vitest';
import { onMajorIncidentReplied } from '../../src/modules/problems/index.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const CHILDREN = 200;

const newTicket = async (who: Client, subject: string, categoryId?: string) => {
  const r = await who.post('/api/v1/tickets', { subject, description: `${subject}: details`, ...(categoryId && { categoryId }) });
  expect(r.status).toBe(201);
  return r.body as { id: string; number: string };
};

describe.each(DATABASES)('major incidents (%s)', (kind) => {
  const t = useTestApp(kind);
  const db = () => t.td.app.db;
  const mailTo = (address: string) => db().selectFrom('mail_outbox').select(['subject', 'text_body', 'ticket_id']).where('to_address', '=', address).orderBy('id').execute();

  it('declares a major incident, suggests similar requests, and shows its banner only to the affected organizations', async () => {
    const alice = await t.login('alice@client-a.test');
    const bob = await t.login('bob@client-b.test');
    const l1 = await t.login('l1@demo.test');
    const vpn = (await l1.get('/api/v1/categories')).body.items.find((c: any) => c.name === 'VPN');
    const parent = await newTicket(alice, 'VPN is down for the whole office', vpn.id);
    const similar = [await newTicket(alice, 'VPN does not connect', vpn.id), await newTicket(alice, 'No VPN', vpn.id)];
    const unlike = await newTicket(alice, 'Printer', undefined);

    expect((await l1.get(`/api/v1/tickets/${parent.id}/major`)).body.major).toBeNull();
    const declared = await l1.post(`/api/v1/tickets/${parent.number}/major`, { title: 'VPN outage', message: 'Remote access is down; we are on it.' });
    expect(declared.status).toBe(201);
    expect(declared.body.major).toMatchObject({ role: 'parent', title: 'VPN outage', resolvedAt: null, children: [] });
    expect((await l1.post(`/api/v1/tickets/${parent.id}/major`, {})).body.error).toBe('already_major');

    const suggested = (await l1.get(`/api/v1/tickets/${parent.id}/major/similar`)).body.items.map((x: any) => x.number);
    expect(suggested).toEqual(expect.arrayContaining(similar.map((s) => s.number)));
    expect(suggested).not.toContain(unlike.number);
    expect(suggested).not.toContain(parent.number);

    // The banner: client A (the parent's organization) sees it, client B does not, staff do.
    const banners = async (c: Client) => (await c.get('/api/v1/announcements')).body.items.map((x: any) => x.title);
    expect(await banners(alice)).toContain('VPN outage');
    expect(await banners(await t.login('it@client-a.test'))).toContain('VPN outage');
    expect(await banners(bob)).not.toContain('VPN outage');
    expect(await banners(l1)).toContain('VPN outage');

    // Linking a request of client B makes client B affected.
    const bobs = await newTicket(bob, 'VPN slow');
    const linked = await l1.post(`/api/v1/tickets/${parent.id}/major/children`, { tickets: [...similar.map((s) => s.number), bobs.id] });
    expect(linked.status).toBe(200);
    expect(linked.body.major.children).toHaveLength(3);
    expect(await banners(bob)).toContain('VPN outage');
    expect((await l1.get(`/api/v1/tickets/${bobs.id}/major`)).body.major).toMatchObject({ role: 'child', ticket: { number: parent.number } });
    const again = await l1.post(`/api/v1/tickets/${parent.id}/major/children`, { tickets: [bobs.id] });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already_linked');
    expect((await l1.post(`/api/v1/tickets/${parent.id}/major/children`, { tickets: ['TD-999999'] })).status).toBe(400);
    expect((await l1.post(`/api/v1/tickets/${parent.id}/major/children`, { tickets: [] })).status).toBe(400);
    const unlinked = await l1.delete(`/api/v1/tickets/${parent.id}/major/children/${bobs.id}`);
    expect(unlinked.body.major.children).toHaveLength(2);
    expect(await banners(bob)).not.toContain('VPN outage');

    // Resolving the parent (an ordinary status change) resolves its children with its last public reply; the banner goes.
    await l1.post(`/api/v1/tickets/${parent.id}/comments`, { body: 'The VPN concentrator was restarted.', internal: false });
    expect((await l1.patch(`/api/v1/tickets/${parent.id}`, { status: 'resolved' })).status).toBe(200);
    for (const s of similar) {
      expect((await alice.get(`/api/v1/tickets/${s.id}`)).body.status).toBe('resolved');
      const timeline = JSON.stringify((await alice.get(`/api/v1/tickets/${s.id}/timeline`)).body);
      expect(timeline).toContain('major_resolved');
      expect(timeline).toContain('The VPN concentrator was restarted.');
    }
    expect((await bob.get(`/api/v1/tickets/${bobs.id}`)).body.status).not.toBe('resolved');
    expect(await banners(alice)).not.toContain('VPN outage');
    const actions = (await db().selectFrom('audit_log').select('action').where('entity_id', '=', parent.id).execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['major_declared', 'major_resolved']));
  });

  it('webhooks see the new events of problems and major incidents', async () => {
    const admin = await t.login('admin@demo.test');
    const events = ['ticket.problem_linked', 'ticket.problem_resolved', 'ticket.major_declared', 'ticket.major_child_linked', 'ticket.major_updated', 'ticket.major_resolved'];
    const hook = await admin.post('/api/v1/webhooks', { name: 'NOC', url: 'http://127.0.0.1:9/hook', events });
    expect(hook.status).toBe(201);
    const alice = await t.login('alice@client-a.test');
    const l2 = await t.login('l2@demo.test');
    const [parent, child] = [await newTicket(alice, 'Wi-Fi down'), await newTicket(alice, 'No Wi-Fi')];
    const p = (await l2.post('/api/v1/problems', { title: 'Access point firmware', incidents: [parent.id] })).body;
    await l2.post(`/api/v1/tickets/${parent.id}/major`, {});
    await l2.post(`/api/v1/tickets/${parent.id}/major/children`, { tickets: [child.id] });
    await l2.post(`/api/v1/tickets/${parent.id}/comments`, { body: 'Rolling back the firmware.', internal: false });
    await l2.post(`/api/v1/problems/${p.id}/resolve`, { resolution: 'Firmware pinned.' });
    await l2.post(`/api/v1/tickets/${parent.id}/major/resolve`, { resolution: 'Firmware rolled back.' });
    const delivered = await db().selectFrom('webhook_deliveries').select(['event', 'ticket_id']).where('webhook_id', '=', hook.body.id).execute();
    const seen = delivered.map((d) => `${d.event}:${d.ticket_id === parent.id ? 'parent' : d.ticket_id === child.id ? 'child' : '?'}`);
    expect(seen).toEqual(
      expect.arrayContaining(['ticket.problem_linked:parent', 'ticket.problem_resolved:parent', 'ticket.major_declared:parent', 'ticket.major_child_linked:child', 'ticket.major_updated:child', 'ticket.major_resolved:parent']),
    );
  });

  it('a fan-out that fails half-way leaves nothing behind, and the update sent again reaches everyone once', async () => {
    const alice = await t.login('alice@client-a.test');
    const bob = await t.login('bob@client-b.test');
    const l1 = await t.login('l1@demo.test');
    const parent = await newTicket(bob, 'Shop tills offline');
    await l1.post(`/api/v1/tickets/${parent.id}/major`, { title: 'Till outage' });
    const children = [];
    for (let i = 0; i < 20; i++) children.push(await newTicket(alice, `Till ${i} offline`));
    await l1.post(`/api/v1/tickets/${parent.id}/major/children`, { tickets: children.map((c) => c.id) });
    const notices = () => db().selectFrom('notifications').select('id').where('event', '=', 'major_incident_update').execute();
    const before = (await notices()).length;

    // The process fails while writing the eleventh child's update (as a crash would): the whole reply rolls back.
    let written = 0;
    let failing = true;
    t.td.app.events.on('ticket.major_updated', async () => {
      if (failing && ++written === 11) throw new Error('simulated crash in the middle of the fan-out');
    });
    const failed = await l1.post(`/api/v1/tickets/${parent.id}/comments`, { body: 'Tills are back at noon.', internal: false });
    expect(failed.status).toBe(500);
    expect((await notices()).length).toBe(before);
    expect(await db().selectFrom('major_incident_updates').select('entry_id').where('parent_id', '=', parent.id).execute()).toEqual([]);
    expect(JSON.stringify((await l1.get(`/api/v1/tickets/${parent.id}/timeline`)).body)).not.toContain('Tills are back at noon.');

    // Sent again after the restart: every child's requester once, no more.
    failing = false;
    expect((await l1.post(`/api/v1/tickets/${parent.id}/comments`, { body: 'Tills are back at noon.', internal: false })).status).toBe(201);
    const sent = await db()
      .selectFrom('notifications')
      .select(['ticket_id', 'user_id'])
      .where('event', '=', 'major_incident_update')
      .where('ticket_id', 'in', children.map((c) => c.id))
      .execute();
    const aliceId = (await alice.get('/api/v1/me')).body.id;
    const itA = (await (await t.login('it@client-a.test')).get('/api/v1/me')).body.id;
    expect(sent.filter((n) => n.user_id === aliceId).map((n) => n.ticket_id).sort()).toEqual(children.map((c) => c.id).sort());
    expect(sent.filter((n) => n.user_id === itA)).toHaveLength(1);
  });

  it(`fans one public update out to ${CHILDREN} children's requesters (each in their language) and the IT managers, none lost or twice`, async () => {
    const alice = await t.login('alice@client-a.test'); // reads Russian
    const bob = await t.login('bob@client-b.test'); // reads English
    const carol = await t.login('carol@client-c.test');
    const l1 = await t.login('l1@demo.test');
    const parent = await newTicket(carol, 'Mail server down');
    await l1.post(`/api/v1/tickets/${parent.id}/major`, { title: 'Mail outage' });
    const children: { id: string; number: string; who: 'alice' | 'bob' }[] = [];
    for (let i = 0; i < CHILDREN; i++) {
      const who = i % 2 ? 'bob' : 'alice';
      children.push({ ...(await newTicket(who === 'alice' ? alice : bob, `No mail #${i}`)), who });
    }
    for (let i = 0; i < CHILDREN; i += 50)
      expect((await l1.post(`/api/v1/tickets/${parent.id}/major/children`, { tickets: children.slice(i, i + 50).map((c) => c.id) })).status).toBe(200);

    const before = { alice: (await mailTo('alice@client-a.test')).length, bob: (await mailTo('bob@client-b.test')).length, itA: (await mailTo('it@client-a.test')).length, itB: (await mailTo('it@client-b.test')).length };
    const reply = await l1.post(`/api/v1/tickets/${parent.id}/comments`, { body: 'Mail is back within the hour.', internal: false });
    expect(reply.status).toBe(201);

    // One mail per child to its requester, threaded with that child, in the requester's language.
    const aliceMail = (await mailTo('alice@client-a.test')).slice(before.alice);
    const bobMail = (await mailTo('bob@client-b.test')).slice(before.bob);
    expect(aliceMail).toHaveLength(CHILDREN / 2);
    expect(bobMail).toHaveLength(CHILDREN / 2);
    expect(new Set(aliceMail.map((m) => m.ticket_id))).toEqual(new Set(children.filter((c) => c.who === 'alice').map((c) => c.id)));
    expect(new Set(bobMail.map((m) => m.ticket_id))).toEqual(new Set(children.filter((c) => c.who === 'bob').map((c) => c.id)));
    expect(aliceMail.every((m) => m.subject.includes('Новости об аварии: Mail outage') && m.text_body.includes('Mail is back within the hour.'))).toBe(true);
    expect(bobMail.every((m) => m.subject.includes('Service incident update: Mail outage') && m.text_body.includes('Mail is back within the hour.'))).toBe(true);
    // The IT managers of the affected companies: once each.
    expect((await mailTo('it@client-a.test')).slice(before.itA)).toHaveLength(1);
    expect((await mailTo('it@client-b.test')).slice(before.itB)).toHaveLength(1);
    // On each child's timeline, visible to its requester.
    expect(JSON.stringify((await bob.get(`/api/v1/tickets/${children[1]!.id}/timeline`)).body)).toContain('Mail is back within the hour.');

    // The same update handled again (a replay) sends nothing more.
    const entryId = Number((await db().selectFrom('major_incident_updates').select('entry_id').where('parent_id', '=', parent.id).executeTakeFirstOrThrow()).entry_id);
    const total = async () => Number((await db().selectFrom('mail_outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const outbox = await total();
    await db().transaction().execute((trx) =>
      onMajorIncidentReplied({ ...t.td.app, db: trx }, trx, { type: 'ticket.replied', subjectType: 'ticket', subjectId: parent.id, actorId: null, data: { entryId, byStaff: true } }),
    );
    expect(await total()).toBe(outbox);
    const sentAudit = await db().selectFrom('audit_log').select('after').where('entity_id', '=', parent.id).where('action', '=', 'major_update_sent').execute();
    expect(sentAudit.map((a) => JSON.parse(a.after!).children)).toEqual([CHILDREN]);

    // An internal note is no update.
    await l1.post(`/api/v1/tickets/${parent.id}/comments`, { body: 'Note to self', internal: true });
    expect(await total()).toBe(outbox);

    // Resolving with a resolution resolves every child.
    const resolved = await l1.post(`/api/v1/tickets/${parent.id}/major/resolve`, { resolution: 'The mail server was replaced.' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.major.resolvedAt).not.toBeNull();
    const statuses = await db().selectFrom('tickets').select('status').where('id', 'in', [parent.id, ...children.map((c) => c.id)]).execute();
    expect(statuses.every((s) => s.status === 'resolved')).toBe(true);
    expect((await l1.post(`/api/v1/tickets/${parent.id}/major/resolve`, { resolution: 'again' })).status).toBe(409);
  }, 240_000);
});
