import net from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../test/support/email';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { signer } from './support/session';

/** A loopback port nobody listens on, for the app's SMTP listener. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe('e-mail content in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let smtpPort = 0;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const stamp = Date.now();
  const desk = { from: 'relay@mx.desk.test', to: ['support@desk.test'] };

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    smtpPort = await freePort();
    app = await startApp({ SMTP_LISTEN_PORT: String(smtpPort) });
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const signIn = (email: string, path?: string) => signer(browser, app.url, errors, contexts).signIn(email, undefined, path);
  const mail = (subject: string, body: string, extra = '') =>
    `From: Bob Smith <bob@client-b.test>\r\nTo: support@desk.test\r\nSubject: ${subject}\r\nMessage-ID: <e2e.${stamp}.${Math.random().toString(36).slice(2)}@client-b.test>\r\nMIME-Version: 1.0\r\n${extra}Content-Type: text/plain; charset=utf-8\r\n\r\n${body.replace(/\n/g, '\r\n')}`;

  it('shows a reply without its quoted history, and staff expand it on the entry', async () => {
    const subject = `Label printer offline ${stamp}`;
    expect(await sendRaw(smtpPort, mail(subject, 'The label printer in store 4 is offline.'), desk)).toMatchObject({ ok: true });
    const l1 = await signIn('l1@demo.test');
    const found = await (await l1.request.get(`${app.url}/api/v1/tickets?q=${encodeURIComponent(subject)}`)).json();
    const { id, number } = found.items[0];
    await l1.goto(`/tickets/${id}`);

    const reply = 'It is online again after the restart.\n\nBest regards,\nBob Smith\nStore 4\n\nOn Tue, 24 Nov 2026 at 10:00, Lena <l1@demo.test> wrote:\n> Please restart the printer.\n> Lena';
    expect(await sendRaw(smtpPort, mail(`Re: [${number}] ${subject}`, reply), desk)).toMatchObject({ ok: true });
    await l1.reload();
    await l1.getByRole('heading', { name: subject }).waitFor();
    const entry = l1.locator('li[data-kind="reply"]').filter({ hasText: 'It is online again after the restart.' });
    await entry.waitFor();
    expect(await entry.innerText()).not.toContain('Please restart the printer');
    await entry.getByRole('button', { name: 'Show quoted text' }).click();
    await expect.poll(() => entry.getByTestId('quoted-text').innerText()).toContain('Please restart the printer.');
    await checkScreen(l1, '60-email-quoted-text');

    // The client sees only the reply, with no way to the cut part.
    const bob = await signIn('bob@client-b.test', `/tickets/${id}`);
    await bob.getByText('It is online again after the restart.').waitFor();
    expect(await bob.getByRole('button', { name: 'Show quoted text' }).count()).toBe(0);
  }, 120_000);

  it('lets an admin find a duplicate delivery in the inbound log', async () => {
    const raw = mail(`Scanner ${stamp}`, 'The scanner is slow.');
    expect(await sendRaw(smtpPort, raw, desk)).toMatchObject({ ok: true });
    expect(await sendRaw(smtpPort, raw, desk)).toMatchObject({ ok: true });
    const admin = await signIn('admin@demo.test', '/admin/quarantine?status=duplicate');
    await admin.getByTestId('quarantine').waitFor();
    await admin.getByRole('textbox', { name: 'Sender or subject' }).fill(`Scanner ${stamp}`);
    await admin.getByText('The same message delivered again', { exact: false }).first().waitFor();
    await checkScreen(admin, '61-admin-inbound-duplicates');
  }, 120_000);

  checksEveryScreen(errors);
});
