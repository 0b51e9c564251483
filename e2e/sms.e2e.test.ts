import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { signer } from './support/session';

const ALICE = '+79161110001';
const STRANGER = '+79990001122';
const DESK = '+74950000000';

/**
 * The SMS channel in a real browser, with no SMSC: the admin adds a Kannel gateway (its secret
 * shown once), the test calls the gateway's incoming address as smsbox would; Alice's SMS becomes
 * a request on L1's queue marked as SMS; a stranger's SMS waits in the SMS quarantine until the
 * admin lets the gateway create requesters and processes it again; the profile offers SMS notices
 * only to people with a mobile number.
 */
describe('SMS gateways, the SMS log and quarantine, SMS requests in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const stamp = Date.now();
  let admin: Page;
  const gateway = { id: '', secret: '', name: `Kannel ${stamp}` };

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    // Every SMS opens its own request (Alice has open ones in the demo data that it would join).
    app = await startApp({ SMS_THREAD_WINDOW_HOURS: '0' });
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const signIn = (email: string, password?: string, path?: string) => signer(browser, app.url, errors, contexts).signIn(email, password, path);

  /** One inbound SMS as Kannel's sms-service get-url delivers it. */
  async function kannel(from: string, text: string) {
    const q = new URLSearchParams({ secret: gateway.secret, from, to: DESK, text, id: `e2e-${stamp}-${from}` });
    const res = await fetch(`${app.url}/api/v1/sms/kannel/${gateway.id}/incoming?${q}`);
    expect(res.status, await res.clone().text()).toBe(200);
  }

  it('lets the admin add a Kannel gateway and shows its secret and get-url once', async () => {
    admin = await signIn('admin@demo.test', undefined, '/admin/sms-gateways');
    await admin.getByTestId('sms-gateways').waitFor();
    const form = admin.getByTestId('sms-gateway-add');
    await form.getByRole('textbox', { name: /^Name/ }).fill(gateway.name);
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    const box = admin.getByTestId('secret-box');
    await box.getByText('This is the only time the secret is shown').waitFor();
    gateway.secret = (await box.getByTestId('secret-value').innerText()).trim();
    const url = (await box.getByTestId('incoming-url').innerText()).trim();
    expect(gateway.secret.length).toBeGreaterThanOrEqual(16);
    expect(url).toContain(`secret=${encodeURIComponent(gateway.secret)}&from=%p`);
    gateway.id = /\/sms\/kannel\/([0-9a-f-]{36})\/incoming/.exec(url)![1]!;
    const row = admin.getByTestId('sms-gateways').locator('tr', { hasText: gateway.name });
    await row.getByText('Only receives').waitFor();
    await row.getByText('Quarantine', { exact: true }).waitFor();
    await checkScreen(admin, '50-admin-sms-gateways');
    await admin.reload();
    await row.waitFor();
    expect(await admin.getByTestId('secret-box').count()).toBe(0);
    expect(await admin.getByText(gateway.secret).count()).toBe(0);
  }, 90_000);

  let number = '';
  it("turns Alice's SMS into a request on L1's queue, marked as SMS for the agent and for Alice", async () => {
    const text = `Printer on floor 3 jams ${stamp}`;
    await kannel(ALICE, text);

    const l1 = await signIn('l1@demo.test', undefined, '/queues/line');
    const link = l1.getByTestId('ticket-table').getByRole('link', { name: text });
    await link.waitFor();
    await link.click();
    await l1.waitForURL(/\/tickets\/TD-\d+$/);
    number = new URL(l1.url()).pathname.split('/').pop()!;
    await l1.getByRole('heading', { name: text }).waitFor();
    await l1.getByTestId('ticket-channel').filter({ hasText: 'Channel: SMS' }).waitFor();
    await checkScreen(l1, '51-ticket-sms');

    const alice = await signIn('alice@client-a.test', undefined, `/tickets/${number}`);
    await alice.getByRole('heading', { name: text }).waitFor();
    await alice.getByTestId('ticket-channel').filter({ hasText: 'Channel: SMS' }).waitFor();
  }, 90_000);

  it("quarantines a stranger's SMS with the reason; processed again once the gateway creates requesters", async () => {
    await kannel(STRANGER, `Hello, our scanner is broken ${stamp}`);
    await admin.goto('/admin/sms-messages');
    const row = admin.getByTestId('sms-messages').locator('tr', { hasText: STRANGER });
    await row.getByText('Nobody has this number, and the gateway accepts SMS only from people it knows').waitFor();
    await checkScreen(admin, '52-admin-sms-quarantine');

    // Processing it again as things are changes nothing: it stays, with its reason.
    await row.getByRole('button', { name: `Process again: ${STRANGER}` }).click();
    await admin.getByText('Processed again.').first().waitFor();
    await row.locator('[data-sms-status=quarantined]').waitFor();

    await admin.goto('/admin/sms-gateways');
    await admin.getByRole('button', { name: `Edit: ${gateway.name}` }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByRole('combobox', { name: /^What to do with them/ }).click();
    await admin.getByRole('option', { name: 'Create a requester to identify, and the request' }).click();
    await dialog.getByRole('combobox', { name: /^Organization of new requesters/ }).click();
    await admin.getByRole('option', { name: 'Client A Logistics' }).click();
    await checkScreen(admin, '53-admin-sms-gateway-edit');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const gw = admin.getByTestId('sms-gateways').locator('tr', { hasText: gateway.name });
    await gw.getByText('Create a requester').waitFor();
    await gw.getByText('Client A Logistics').waitFor();

    await admin.goto('/admin/sms-messages');
    await row.getByRole('button', { name: `Process again: ${STRANGER}` }).click();
    await admin.getByText('Processed again.').first().waitFor();
    await expect.poll(() => row.count()).toBe(0);
    // The filter lives in the address; the request it made is a link away.
    await admin.getByRole('combobox', { name: 'Status' }).click();
    await admin.getByRole('option', { name: 'Made a request' }).click();
    await admin.waitForURL(/[?&]status=created/);
    const made = admin.getByTestId('sms-messages').locator('tr', { hasText: STRANGER });
    await made.locator('[data-sms-status=created]').waitFor();
    await admin.getByTestId('sms-messages').locator('tr', { hasText: ALICE }).locator('[data-sms-status=created]').waitFor();
    await checkScreen(admin, '54-admin-sms-log');
    await made.getByRole('link', { name: 'Request' }).click();
    await admin.waitForURL(/\/tickets\/[^/]+$/);
    await admin.getByTestId('ticket-channel').filter({ hasText: 'Channel: SMS' }).waitFor();
    await admin.getByRole('heading', { name: `Hello, our scanner is broken ${stamp}` }).waitFor();

    // The requester it made is known only by the number: the admin identifies them.
    await admin.goto(`/admin/people?q=${encodeURIComponent(STRANGER)}`);
    const stranger = admin.locator('tr', { hasText: STRANGER });
    await stranger.getByText('To identify').waitFor();
    await stranger.getByRole('link', { name: STRANGER }).click();
    const form = admin.getByTestId('person-form');
    await form.getByText('Known only by a phone number so far').waitFor();
    await form.getByLabel(/^E-mail/).fill(`olga.${stamp}@client-a.test`);
    await form.getByLabel(/^Name/).fill('Olga Scanner');
    await form.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('heading', { name: 'Olga Scanner' }).waitFor();
    await admin.getByText(`olga.${stamp}@client-a.test`).first().waitFor();
  }, 120_000);

  it('renews the Kannel secret: the new one is shown once, and the old one no longer lets SMS in', async () => {
    await admin.goto('/admin/sms-gateways');
    await admin.getByRole('button', { name: `Edit: ${gateway.name}` }).click();
    admin.once('dialog', (d) => void d.accept());
    await admin.getByRole('dialog').getByRole('button', { name: 'New secret' }).click();
    const box = admin.getByTestId('secret-box');
    await box.getByText('This is the only time the secret is shown').waitFor();
    const old = gateway.secret;
    gateway.secret = (await box.getByTestId('secret-value').innerText()).trim();
    expect(gateway.secret).not.toBe(old);
    const q = new URLSearchParams({ secret: old, from: ALICE, to: DESK, text: 'with the old secret' });
    expect((await fetch(`${app.url}/api/v1/sms/kannel/${gateway.id}/incoming?${q}`)).status).toBe(403);
    q.set('secret', gateway.secret);
    expect((await fetch(`${app.url}/api/v1/sms/kannel/${gateway.id}/incoming?${q}`)).status).toBe(200);
  });

  it('offers SMS notices to people with a mobile number only', async () => {
    const alice = await signIn('alice@client-a.test', undefined, '/profile');
    const prefs = alice.getByTestId('notification-preferences');
    const sms = prefs.getByRole('checkbox', { name: 'A reply is added: SMS' });
    await sms.waitFor();
    expect(await sms.isDisabled()).toBe(false);
    const saved = alice.waitForResponse((r) => r.url().endsWith('/api/v1/me/notification-preferences') && r.request().method() === 'PUT');
    const before = await sms.isChecked();
    await sms.click();
    expect((await saved).status()).toBe(200);
    await expect.poll(() => sms.isChecked()).toBe(!before);
    expect(await alice.getByTestId('sms-no-phone').count()).toBe(0);

    const dmitry = await signIn('dmitry@client-a.test', undefined, '/profile');
    const none = dmitry.getByTestId('notification-preferences').getByRole('checkbox', { name: 'A reply is added: SMS' });
    await none.waitFor();
    expect(await none.isDisabled()).toBe(true);
    await dmitry.getByTestId('sms-no-phone').waitFor();
    await checkScreen(dmitry, '55-profile-no-mobile');
  }, 90_000);

  checksEveryScreen(errors);
});
