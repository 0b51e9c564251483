import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/app.js';
import { keyFilePath, loadSecretKey, newSecretKeyText, parseSecretKey, secretBox, SecretKeyError } from '../../src/core/crypto/secrets.js';
import { rotateSecretKey } from '../../src/rotate-secret-key.js';
import { sealStoredSecrets } from '../../src/modules/stored-secrets.js';
import { useTestApp, type TestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';
import { postCallEvent } from '../support/phone.js';
import { kannelGet, twilioPost } from '../support/sms.js';

const TOKEN = 'twilio-auth-token-0123456789abcdef';
const KANNEL_PASSWORD = 'kannel-sendsms-password-42';

/** A receiving system for webhooks: keeps every call. */
const receiver = { calls: [] as { headers: http.IncomingHttpHeaders; raw: string }[], url: '', server: null as http.Server | null };
beforeAll(async () => {
  receiver.server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      receiver.calls.push({ headers: req.headers, raw });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.server!.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${(receiver.server!.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((r) => receiver.server!.close(() => r())));

/** Every stored secret column's values, as the database holds them. */
async function storedSecrets(t: TestApp) {
  const db = t.td.app.db;
  const rows = [
    ...(await sql<{ v: string | null }>`select secret as v from sms_gateways union all select kannel_password as v from sms_gateways`.execute(db)).rows,
    ...(await sql<{ v: string | null }>`select secret as v from pbx_connectors`.execute(db)).rows,
    ...(await sql<{ v: string | null }>`select secret as v from webhooks`.execute(db)).rows,
  ];
  return rows.map((r) => r.v).filter((v): v is string => v !== null);
}

describe.each(DATABASES)('secrets at rest (%s)', (kind) => {
  const t = useTestApp(kind);
  let admin: Client;
  let kannel: { id: string; secret: string };
  let twilio: { id: string };
  let pbx: { id: string; secret: string };
  let hook: { id: string; secret: string };

  beforeAll(async () => {
    admin = await t.login('admin@demo.test');
    const k = await admin.post('/api/v1/sms/gateways', {
      name: 'Kannel',
      kind: 'kannel',
      kannel: { sendsmsUrl: 'http://127.0.0.1:13013/cgi-bin/sendsms', username: 'tierdesk', password: KANNEL_PASSWORD },
    });
    expect(k.status, JSON.stringify(k.body)).toBe(201);
    kannel = { id: k.body.id, secret: k.body.secret };
    const tw = await admin.post('/api/v1/sms/gateways', { name: 'Twilio', kind: 'twilio', secret: TOKEN, twilio: { apiBaseUrl: 'http://127.0.0.1:9', accountSid: 'AC0123456789' } });
    expect(tw.status).toBe(201);
    twilio = { id: tw.body.id };
    const c = await admin.post('/api/v1/phone/connectors', { name: 'Secret PBX' });
    expect(c.status).toBe(201);
    pbx = { id: c.body.id, secret: c.body.secret };
    const w = await admin.post('/api/v1/webhooks', { name: 'CRM', url: receiver.url, events: ['ticket.created'] });
    expect(w.status).toBe(201);
    hook = { id: w.body.id, secret: w.body.secret };
  });

  /** Each feature that checks or makes a signature with a stored secret, working. */
  async function featuresWork() {
    const sms = await kannelGet(t, kannel.id, kannel.secret, { from: '+79161234567', text: 'Hello', id: crypto.randomUUID() });
    expect(sms.status).toBe(200);
    expect((await kannelGet(t, kannel.id, `${kannel.secret}x`, { from: '+79161234567', text: 'Hello' })).status).toBe(403);
    const tw = await twilioPost(t, `/api/v1/sms/twilio/${twilio.id}/status`, { MessageSid: 'SMnone', MessageStatus: 'delivered' }, TOKEN);
    expect(tw.status).toBe(200);
    expect((await twilioPost(t, `/api/v1/sms/twilio/${twilio.id}/status`, { MessageSid: 'SMnone', MessageStatus: 'delivered' }, 'another-token-0123456789')).status).toBe(403);
    const now = t.td.app.clock.now();
    const event = () => ({ eventId: crypto.randomUUID(), callId: crypto.randomUUID(), type: 'ringing', direction: 'inbound', from: '+79161234567', to: '+74950000000', at: now.toISOString() });
    const call = await postCallEvent(t.base, pbx, event(), now);
    expect(call.status, JSON.stringify(call.body)).toBe(200);
    expect((await postCallEvent(t.base, { id: pbx.id, secret: 'not-the-secret' }, event(), now)).status).toBe(401);
    // The webhook's signature, made with the opened secret, checks out with the secret shown at creation.
    receiver.calls = [];
    const alice = await t.login('alice@client-a.test');
    expect((await alice.post('/api/v1/tickets', { subject: 'Signed', description: 'x' })).status).toBe(201);
    await t.fireAllTimers();
    const sent = receiver.calls.at(-1)!;
    const ts = String(sent.headers['x-tierdesk-timestamp']);
    expect(sent.headers['x-tierdesk-signature']).toBe(`sha256=${crypto.createHmac('sha256', hook.secret).update(`${ts}.${sent.raw}`).digest('hex')}`);
  }

  it('stores every secret sealed: no column holds a secret in plaintext', async () => {
    const values = await storedSecrets(t);
    // Two gateways (with one Kannel password), the demo PBX and ours, the webhook.
    expect(values.length).toBeGreaterThanOrEqual(6);
    const keyId = t.td.app.secrets.key.id;
    for (const v of values) expect(v).toMatch(new RegExp(`^v1:${keyId}:[\\w-]{16}:[\\w-]+$`));
    const all = values.join('\n');
    for (const plain of [kannel.secret, TOKEN, KANNEL_PASSWORD, pbx.secret, hook.secret]) expect(all).not.toContain(plain);
    // The key was made in DATA_DIR/secret.key, readable by its owner only.
    expect(fs.statSync(keyFilePath(t.dataDir)).mode & 0o777).toBe(0o600);
  });

  it('the features that use them still work: SMS webhooks, PBX events, webhook signatures', async () => {
    await featuresWork();
  });

  it('seals at start a secret stored in plaintext (written before secrets were sealed)', async () => {
    const legacy = `legacy-plaintext-secret-${crypto.randomBytes(8).toString('hex')}`;
    await sql`update pbx_connectors set secret = ${legacy} where id = ${pbx.id}`.execute(t.td.app.db);
    expect(await sealStoredSecrets(t.td.app.db, t.td.app.secrets)).toEqual({ sealed: 1 });
    expect((await storedSecrets(t)).join('\n')).not.toContain(legacy);
    pbx = { id: pbx.id, secret: legacy };
    await featuresWork();
  });

  it('rotate-secret-key re-seals every secret with the new key in one go; everything keeps working', async () => {
    const oldKey = t.td.app.secrets.key;
    const message = await rotateSecretKey(t.config, null, { pgSchema: t.pgSchema });
    const newKey = loadSecretKey(t.config).key;
    expect(newKey.id).not.toBe(oldKey.id);
    expect(message).toContain(`key ${oldKey.id} → key ${newKey.id}`);
    expect(message).toContain('secret.key');
    expect(fs.statSync(keyFilePath(t.dataDir)).mode & 0o777).toBe(0o600);
    const values = await storedSecrets(t);
    expect(values.every((v) => v.startsWith(`v1:${newKey.id}:`))).toBe(true);
    // The running app still holds the old key: it no longer opens them (processes restart after a rotation).
    await expect(sealStoredSecrets(t.td.app.db, t.td.app.secrets)).rejects.toThrow(`sealed with key ${newKey.id}, but the key in use is ${oldKey.id}`);
    t.td.app.secrets = secretBox(newKey);
    await featuresWork();

    // With the key in TIERDESK_SECRET_KEY and the new one in TIERDESK_NEW_SECRET_KEY: the operator is told what to set.
    const next = newSecretKeyText();
    const fromEnv = { ...t.config, secretKey: fs.readFileSync(keyFilePath(t.dataDir), 'utf8').trim() };
    const said = await rotateSecretKey(fromEnv, next, { pgSchema: t.pgSchema });
    expect(said).toContain('Set TIERDESK_SECRET_KEY=the value of TIERDESK_NEW_SECRET_KEY');
    t.td.app.secrets = secretBox(parseSecretKey(next));
    await featuresWork();
    // A rotation from a key that does not open the secrets changes nothing.
    await expect(rotateSecretKey({ ...t.config, secretKey: newSecretKeyText() }, null, { pgSchema: t.pgSchema })).rejects.toThrow(/sealed with key/);
    expect((await storedSecrets(t)).every((v) => v.startsWith(`v1:${parseSecretKey(next).id}:`))).toBe(true);
  });

  it('a wrong key stops the start with a message naming both keys', async () => {
    const wrong = newSecretKeyText();
    const err = await openContext({ ...t.config, secretKey: wrong }, { pgSchema: t.pgSchema }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SecretKeyError);
    expect((err as Error).message).toMatch(
      new RegExp(`^The secrets in the database were sealed with key ${t.td.app.secrets.key.id}, but the key in use is ${parseSecretKey(wrong).id}\\. Set TIERDESK_SECRET_KEY`),
    );
  });
});
