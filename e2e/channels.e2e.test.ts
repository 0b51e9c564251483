import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { signer } from './support/session';

const ALICE = '+79161110001'; // client A: the Optimized plan covers the telephone
const DESK = '+74950000000';

/** What the test's webhook receiver was sent. */
interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * The telephone and webhook screens in a real browser: the admin adds a PBX connector (its secret
 * shown once); signed call events from the PBX put a missed call on L1's callback list (with the
 * request it opened, and on that request's caller context) and an answered call becomes a request
 * from the call's page; the admin adds a webhook and sees its test ping delivered by the worker.
 */
describe('calls, callbacks, PBX connectors and webhooks in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let receiver: http.Server;
  let receiverUrl = '';
  const received: Received[] = [];
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const stamp = Date.now();
  let admin: Page;
  let l1: Page;
  let connector = { id: '', secret: '', name: `Office Asterisk ${stamp}` };
  let seq = 0;

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += String(d)));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/tierdesk`;
    app = await startApp();
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await new Promise((r) => receiver?.close(r));
  });

  const signIn = (email: string, password?: string, path?: string) => signer(browser, app.url, errors, contexts).signIn(email, password, path);

  /** Posts one call event as the PBX does: JSON signed with the connector's secret over "<unix seconds>.<raw body>". */
  async function pbx(callId: string, type: 'ringing' | 'answered' | 'hangup', secondsAgo: number, extra: Record<string, unknown> = {}) {
    const body = JSON.stringify({
      eventId: `e2e-${stamp}-${++seq}`,
      callId,
      type,
      direction: 'inbound',
      from: ALICE,
      to: DESK,
      at: new Date(Date.now() - secondsAgo * 1000).toISOString(),
      ...extra,
    });
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${crypto.createHmac('sha256', connector.secret).update(`${ts}.${body}`).digest('hex')}`;
    const res = await fetch(`${app.url}/api/v1/phone/connectors/${connector.id}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tierdesk-timestamp': ts, 'x-tierdesk-signature': signature },
      body,
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  it('lets the admin add a PBX connector and shows its secret once', async () => {
    admin = await signIn('admin@demo.test', undefined, '/admin/telephony');
    await admin.getByTestId('connectors').waitFor();
    await admin.getByRole('textbox', { name: /^Name/ }).fill(connector.name);
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    const box = admin.getByTestId('secret-box');
    await box.getByText('This is the only time the secret is shown').waitFor();
    const secret = (await box.getByTestId('secret-value').innerText()).trim();
    const eventsUrl = (await box.getByTestId('events-url').innerText()).trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(eventsUrl).toMatch(/\/api\/v1\/phone\/connectors\/[0-9a-f-]{36}\/events$/);
    connector = { ...connector, secret, id: /connectors\/([0-9a-f-]{36})\/events$/.exec(eventsUrl)![1]! };
    await admin.getByTestId('connectors').getByText(connector.name).waitFor();
    await checkScreen(admin, '40-admin-telephony');
    // Never again: after a reload only the name and the address are listed.
    await admin.reload();
    await admin.getByTestId('connectors').getByText(connector.name).waitFor();
    expect(await admin.getByTestId('secret-box').count()).toBe(0);
    expect(await admin.getByText(secret).count()).toBe(0);
  }, 90_000);

  let missedTicket = '';
  it("puts a missed call from Alice on L1's callback list with its request; L1 marks it done", async () => {
    const callId = `e2e-missed-${stamp}`;
    await pbx(callId, 'ringing', 60);
    await pbx(callId, 'hangup', 40, { cause: 'no_answer' });

    l1 = await signIn('l1@demo.test', undefined, '/calls');
    const row = l1.getByTestId('callbacks').locator('tr', { hasText: 'Alice Petrova' });
    await row.waitFor();
    await row.getByText(ALICE).waitFor();
    await row.getByText('Client A Logistics').waitFor();
    missedTicket = (await row.getByRole('link', { name: /^TD-\d+$/ }).innerText()).trim();
    await checkScreen(l1, '41-calls-callbacks');

    // The request the missed call opened shows Alice's recent calls in its caller context.
    await row.getByRole('link', { name: missedTicket }).click();
    await l1.waitForURL(new RegExp(`/tickets/${missedTicket}$`));
    // Titled in Alice's language (Russian).
    await l1.getByRole('heading', { name: 'Пропущенный звонок от Alice Petrova' }).waitFor();
    await l1.getByTestId('ticket-channel').filter({ hasText: 'Channel: Phone' }).waitFor();
    const recent = l1.getByTestId('context-panel').getByTestId('recent-calls');
    await recent.locator('[data-outcome=missed]').first().waitFor();
    await checkScreen(l1, '42-ticket-recent-calls');

    await l1.goto('/calls');
    await l1.getByTestId('callbacks').locator('tr', { hasText: 'Alice Petrova' }).getByRole('button', { name: 'Done' }).click();
    await l1.getByText('The callback is done.').first().waitFor();
    await expect.poll(() => l1.getByTestId('callbacks').locator('tr', { hasText: missedTicket }).count()).toBe(0);
  }, 90_000);

  it('lets L1 make a request from an answered call and lands on it', async () => {
    const callId = `e2e-answered-${stamp}`;
    await pbx(callId, 'ringing', 200);
    // The screen pop: the ringing call shows up for the agent, with who is calling.
    await l1.getByText('A call is coming in').waitFor();
    await l1.getByRole('link', { name: 'Who is calling?' }).click();
    await l1.waitForURL(/\/calls\/[^/?]+$/);
    await l1.getByTestId('caller-lookup').getByText('Alice Petrova', { exact: true }).waitFor();
    await pbx(callId, 'answered', 190, { agent: 'l1@demo.test' });
    await pbx(callId, 'hangup', 95, { cause: 'answered', duration: 95 });

    await l1.goto('/calls?tab=log');
    await l1.getByRole('tab', { name: 'Call log', selected: true }).waitFor();
    // The filters live in the address.
    await l1.getByRole('combobox', { name: 'Outcome' }).click();
    await l1.getByRole('option', { name: 'Answered' }).click();
    await l1.waitForURL(/[?&]outcome=answered/);
    const row = l1.getByTestId('call-log').locator('tr', { has: l1.locator('[data-outcome=answered]') }).filter({ hasText: 'Alice Petrova' }).first();
    await row.getByText('1:35').waitFor();
    await checkScreen(l1, '43-calls-log');
    await row.getByRole('link').first().click();
    await l1.waitForURL(/\/calls\/[^/?]+$/);
    const lookup = l1.getByTestId('caller-lookup');
    await lookup.getByText('Alice Petrova', { exact: true }).waitFor();
    await lookup.getByText('phone support included').waitFor();
    await l1.getByTestId('call-add').waitFor();
    await checkScreen(l1, '44-call-page');

    const subject = `VPN drops every hour ${stamp}`;
    await l1.getByTestId('call-create').getByLabel(/^Subject/).fill(subject);
    await l1.getByRole('button', { name: 'Create the request' }).click();
    await l1.waitForURL(/\/tickets\/TD-\d+$/);
    await l1.getByRole('heading', { name: subject }).waitFor();
    expect(new URL(l1.url()).pathname).not.toBe(`/tickets/${missedTicket}`);
  }, 90_000);

  it('refuses to delete a connector with calls, in words', async () => {
    await admin.goto('/admin/telephony');
    await admin.getByRole('button', { name: `Edit: ${connector.name}` }).click();
    admin.once('dialog', (d) => void d.accept());
    await admin.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await admin.getByRole('dialog').getByRole('alert').filter({ hasText: 'This connector has calls in the log; deactivate it instead.' }).waitFor();
    await admin.keyboard.press('Escape');
  }, 60_000);

  it('lets the admin add a webhook, send a test and see it delivered', async () => {
    const name = `CRM ${stamp}`;
    await admin.goto('/admin/webhooks');
    const form = admin.getByTestId('webhook-add');
    await form.getByRole('textbox', { name: /^Name/ }).fill(name);
    await form.getByRole('textbox', { name: /^URL/ }).fill(receiverUrl);
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    const secret = (await admin.getByTestId('secret-box').getByTestId('secret-value').innerText()).trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await admin.getByTestId('webhooks').getByRole('link', { name }).waitFor();
    await checkScreen(admin, '45-admin-webhooks');

    await admin.getByTestId('webhooks').getByRole('link', { name }).click();
    await admin.waitForURL(/\/admin\/webhooks\/[0-9a-f-]{36}$/);
    await admin.getByRole('button', { name: 'Send a test' }).click();
    await admin.getByText('A test event is queued.').first().waitFor();
    // The worker of the running app delivers within a few seconds; the screen re-reads while pending.
    await admin.getByTestId('deliveries').locator('[data-delivery=delivered]').first().waitFor({ timeout: 30_000 });
    await admin.getByTestId('deliveries').getByText('200').first().waitFor();
    await checkScreen(admin, '46-admin-webhook-deliveries');

    // The receiver got it, signed with the secret shown once.
    const ping = received.find((r) => r.headers['x-tierdesk-event'] === 'ping');
    expect(ping).toBeDefined();
    const expected = `sha256=${crypto.createHmac('sha256', secret).update(`${String(ping!.headers['x-tierdesk-timestamp'])}.${ping!.body}`).digest('hex')}`;
    expect(ping!.headers['x-tierdesk-signature']).toBe(expected);
    await admin.goto('/admin/webhooks');
    await admin.getByTestId('webhooks').locator('[data-delivery=delivered]').first().waitFor();
  }, 90_000);

  checksEveryScreen(errors);
});
