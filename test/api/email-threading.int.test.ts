import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { buildMessage, sendRaw, useSmtpListener } from '../support/email.js';

/** The desk's answers to a request that came by e-mail thread under the requester's own message. */
describe.each(DATABASES)('threading of answers to mail (%s)', (db) => {
  const t = useTestApp(db);
  const smtp = useSmtpListener(t);
  let admin: Client;

  beforeAll(async () => {
    admin = await t.login('admin@demo.test');
  });

  it('answers with the requester\'s message first in References', async () => {
    const original = `orig.${Date.now()}@client-a.test`;
    const raw = buildMessage({ from: 'Alice Petrova <alice@client-a.test>', subject: 'VPN keeps dropping', messageId: original }, 'Every ten minutes.');
    expect(await sendRaw(smtp.port, raw, { from: 'alice@client-a.test', to: ['support@desk.test'] })).toMatchObject({ ok: true, code: 250 });
    const ticketId = (await admin.get('/api/v1/email/messages?limit=1')).body.items[0].ticketId;
    const l2 = await t.login('l2@demo.test');
    expect((await l2.post(`/api/v1/tickets/${ticketId}/comments`, { body: 'Please send the VPN log.' })).status).toBe(201);
    const rows = await t.td.app.db
      .selectFrom('mail_outbox')
      .select(['subject', 'in_reply_to', 'thread_references'])
      .where('ticket_id', '=', ticketId)
      .where('to_address', '=', 'alice@client-a.test')
      .orderBy('id')
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    const last = rows.at(-1)!;
    // The reply names her message as the root of the thread, and answers the desk's last mail to her.
    const references = last.thread_references!.split(' ');
    expect(references[0]).toBe(original);
    expect(last.in_reply_to).toBe(references.at(-1));
    expect(last.subject).toContain('[TD-');
  });
});
