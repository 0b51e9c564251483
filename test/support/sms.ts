import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { twilioSignature } from '../../src/modules/channels/sms/signature.js';
import type { TestApp } from './app.js';

/** Calls the Kannel sms-service route as smsbox's get-url would (UTF-8 text unless told otherwise). */
export function kannelGet(t: TestApp, gatewayId: string, secret: string | null, m: { from: string; to?: string; text: string; id?: string; coding?: string; charset?: string }) {
  const q = new URLSearchParams({ from: m.from, to: m.to ?? '+79000000000', text: m.text, coding: m.coding ?? '0', charset: m.charset ?? 'UTF-8', ts: '2026-11-26 10:00:00' });
  if (secret !== null) q.set('secret', secret);
  if (m.id) q.set('id', m.id);
  return fetch(`${t.base}/api/v1/sms/kannel/${gatewayId}/incoming?${q}`);
}

/** Posts a Twilio-style webhook, signed with `token` over the public URL unless `signature` says otherwise. */
export async function twilioPost(t: TestApp, path: string, params: Record<string, string>, token: string | null, signature?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const sig = signature ?? (token ? twilioSignature(token, t.config.publicUrl + path, params) : null);
  if (sig) headers['x-twilio-signature'] = sig;
  const res = await fetch(t.base + path, { method: 'POST', headers, body: new URLSearchParams(params) });
  const text = await res.text();
  return { status: res.status, text, contentType: res.headers.get('content-type') ?? '', json: () => JSON.parse(text) as { error: string; message: string } };
}

export interface FakeTwilioMessage {
  accountSid: string;
  auth: string | undefined;
  params: Record<string, string>;
  sid: string;
}

/** A fake Twilio-style Messages API: records what is posted, answers with a new sid, or with `answer`'s status. */
export function useFakeTwilio() {
  const fake = { url: '', received: [] as FakeTwilioMessage[], answer: null as null | { status: number; body: string } };
  let server: http.Server;
  let sids = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
        if (!m || req.method !== 'POST') return void res.writeHead(404).end('{}');
        if (fake.answer) return void res.writeHead(fake.answer.status, { 'content-type': 'application/json' }).end(fake.answer.body);
        const sid = `SM${String(++sids).padStart(32, '0')}`;
        fake.received.push({ accountSid: m[1]!, auth: req.headers.authorization, params: Object.fromEntries(new URLSearchParams(body)), sid });
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid, status: 'queued' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return fake;
}
