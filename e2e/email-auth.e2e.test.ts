import net from 'node:net';
import nodemailer from 'nodemailer';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { signer } from './support/session';

/** A free loopback port for the SMTP listener. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });

/**
 * Mail authentication in a real browser, on the demo as the quick start runs it: the demo's
 * domains are in no DNS, so Alice's mail to support@desk.test fails SPF/DKIM/DMARC and, by the
 * demo mailbox's policy, is taken in marked; staff see the "unverified sender" badge (en, ru);
 * the admin sees and changes the mailbox's policy; a walk-in sender becomes a requester.
 */
describe('mail that cannot be forged, in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let port = 0;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const stamp = Date.now();
  let admin: Page;

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    port = await freePort();
    app = await startApp({ SMTP_LISTEN_PORT: String(port) });
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const signIn = (email: string, path?: string) => signer(browser, app.url, errors, contexts).signIn(email, undefined, path);
  const send = async (from: string, subject: string) => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ from, to: 'support@desk.test', subject, text: 'Sent in the browser test.' });
    } finally {
      transport.close();
    }
  };
  /** The newest inbound message, as the admin's API gives it. */
  const latest = async (page: Page) => {
    const r = await page.request.get(`${app.url}/api/v1/email/messages?limit=1`);
    return (await r.json()).items[0];
  };

  it("shows staff that Alice's unauthenticated mail is from an unverified sender, in English and Russian", async () => {
    admin = await signIn('admin@demo.test', '/admin/mailboxes');
    await send('Alice Petrova <alice@client-a.test>', `Printer offline ${stamp}`);
    let m: any;
    await expect.poll(async () => (m = await latest(admin))?.subject, { timeout: 30_000 }).toBe(`Printer offline ${stamp}`);
    expect(m).toMatchObject({ status: 'created', unverifiedSender: true, authentication: { verdict: 'fail' } });

    const l1 = await signIn('l1@demo.test', `/tickets/${m.ticketId}`);
    await l1.getByRole('heading', { name: `Printer offline ${stamp}` }).waitFor();
    await l1.getByTestId('unverified-sender').filter({ hasText: 'Unverified sender' }).waitFor();
    await checkScreen(l1, '66-ticket-unverified-sender');
    await l1.locator('label', { hasText: /^RU$/ }).first().click();
    await l1.getByTestId('unverified-sender').filter({ hasText: 'Отправитель не подтверждён' }).waitFor();
    // The requester's side shows no such internal detail.
    const alice = await signIn('alice@client-a.test', `/tickets/${m.ticketId}`);
    await alice.getByRole('heading', { name: `Printer offline ${stamp}` }).waitFor();
    expect(await alice.getByTestId('unverified-sender').count()).toBe(0);
  }, 120_000);

  it("lets the admin see and change the desk address's policy and walk-in organization", async () => {
    await admin.goto('/admin/mailboxes');
    const row = admin.getByTestId('mailboxes').locator('tr', { hasText: 'support@desk.test' });
    await row.getByText('Accept, marked as unverified sender').waitFor();
    await row.getByRole('link', { name: 'support@desk.test' }).click();
    await admin.getByRole('heading', { name: 'support@desk.test' }).waitFor();
    const policy = admin.getByRole('combobox', { name: /^Known sender fails SPF\/DKIM\/DMARC/ });
    await policy.waitFor();
    expect(await policy.inputValue()).toBe('Accept, marked as unverified sender');
    expect(await admin.getByRole('combobox', { name: /^Senders of no client’s domain/ }).inputValue()).toBe('Walk-in senders');
    await checkScreen(admin, '67-admin-mailbox-authentication');
    await policy.click();
    await admin.getByRole('option', { name: 'Hold it in quarantine' }).click();
    await admin.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await (await admin.request.get(`${app.url}/api/v1/email/mailboxes`)).json()).items.find((x: any) => x.address === 'support@desk.test').authPolicy).toBe('quarantine');

    // Now a forged From of a known person waits in the quarantine, with the reason and a way in.
    await send('Bob Smith <bob@client-b.test>', `Pay this invoice ${stamp}`);
    await expect.poll(async () => (await latest(admin))?.subject, { timeout: 30_000 }).toBe(`Pay this invoice ${stamp}`);
    await admin.goto('/admin/quarantine');
    const held = admin.getByTestId('quarantine').locator('tr', { hasText: `Pay this invoice ${stamp}` });
    await held.getByText(/may be forged/).waitFor();
    await held.getByRole('button', { name: 'Accept as unverified' }).waitFor();
    await checkScreen(admin, '68-admin-quarantine-unverified');

    // A walk-in sender is a requester of the walk-in organization.
    await send('Pat Walker <pat.walker@home.example>', `Laptop does not boot ${stamp}`);
    let w: any;
    await expect.poll(async () => (w = await latest(admin))?.subject, { timeout: 30_000 }).toBe(`Laptop does not boot ${stamp}`);
    expect(w.status).toBe('created');
  }, 120_000);

  checksEveryScreen(errors);
});
