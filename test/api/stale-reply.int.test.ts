import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';

describe.each(DATABASES)('a reply written on a stale view (%s)', (kind) => {
  const t = useTestApp(kind);

  it('is refused with what changed unless forced, as JSON and as a form', async () => {
    const alice = await t.login('alice@client-a.test');
    const lena = await t.login('l1@demo.test');
    const egor = await t.login('l2@demo.test');
    const ticket = (await alice.post('/api/v1/tickets', { subject: 'VPN drops', description: 'Every hour' })).body;
    const seen = (await lena.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items.at(-1).id;

    // Nothing new since: the reply goes.
    const first = await lena.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Looking at it', seenEntryId: seen });
    expect(first.status).toBe(201);

    // Meanwhile a colleague answered and the requester wrote: Lena's next reply, on her old view, is refused.
    await egor.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'I will take the VPN part', internal: true });
    await alice.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'It dropped again' });
    const stale = await lena.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Please restart the router', seenEntryId: first.body.id });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('ticket_changed');
    expect(stale.body.details.changes.map((c: any) => [c.kind, c.author])).toEqual([
      ['note', 'Egor L2'],
      ['reply', 'Alice Petrova'],
    ]);
    const before = (await lena.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items.length;
    // The client side is told only of what it may see: the request opened by Lena's reply, not the internal note.
    const aliceStale = await alice.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Any news?', seenEntryId: first.body.id });
    expect(aliceStale.status).toBe(409);
    expect(aliceStale.body.details.changes.map((c: any) => [c.kind, c.event, c.author])).toEqual([['event', 'status_changed', 'Lena L1']]);

    // Sent anyway (as a form, as the web app sends it): it goes.
    const form = new FormData();
    form.set('body', 'Please restart the router');
    form.set('seenEntryId', String(first.body.id));
    form.set('force', 'true');
    const forced = await fetch(`${t.base}/api/v1/tickets/${ticket.id}/comments`, { method: 'POST', body: form, headers: { cookie: lena.cookie!, 'x-csrf-token': lena.csrf! } });
    expect(forced.status).toBe(201);
    expect((await lena.get(`/api/v1/tickets/${ticket.id}/timeline`)).body.items.length).toBe(before + 1);

    const bad = await lena.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'x', seenEntryId: -1 });
    expect(bad.status).toBe(400);
    // Another company's person cannot probe it.
    const bob = await t.login('bob@client-b.test');
    expect((await bob.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'x', seenEntryId: 0 })).status).toBe(404);
  });
});
