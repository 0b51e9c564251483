import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { signer } from './support/session';

/**
 * Problems and major incidents in a real browser, in English and Russian: the problem page (link an
 * incident, root cause, the workaround published as a KB article); a request declared a major
 * incident with a similar request linked; its banner in the portal of the affected organization
 * only.
 */
describe('problems and major incidents in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const stamp = Date.now();
  let l2: Page;
  let alice: Page;

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    app = await startApp();
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const signIn = (email: string, path?: string) => signer(browser, app.url, errors, contexts).signIn(email, undefined, path);

  /** Makes a request through the API as the person signed in on `page`; its number. */
  const request = async (page: Page, subject: string, category?: string) => {
    const me = await (await page.request.get('/api/v1/me')).json();
    const categories = (await (await page.request.get('/api/v1/categories')).json()).items as { id: string; name: string }[];
    const categoryId = category && categories.find((c) => c.name === category)!.id;
    const r = await page.request.post('/api/v1/tickets', { headers: { 'x-csrf-token': me.csrfToken }, data: { subject, description: `${subject}.`, ...(categoryId && { categoryId }) } });
    expect(r.status()).toBe(201);
    return (await r.json()).number as string;
  };

  const russian = async (page: Page) => {
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
    await page.locator('label', { hasText: /^RU$/ }).first().click();
    await saved;
    await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe('ru');
  };

  let extra = '';
  let parent = '';
  let child = '';
  it('shows the problems and the demo problem with its incidents', async () => {
    alice = await signIn('alice@client-a.test');
    extra = await request(alice, `Printer in room 12 prints blank pages ${stamp}`, 'Printer');
    parent = await request(alice, `The office VPN is down ${stamp}`, 'VPN');
    child = await request(alice, `VPN does not connect ${stamp}`, 'VPN');

    l2 = await signIn('l2@demo.test', '/problems');
    await l2.waitForURL(/\/problems$/);
    await l2.getByTestId('problem-list').getByText('HP printers print blank pages').waitFor();
    await l2.getByTestId('problem-report').getByText('Hardware').waitFor();
    await checkScreen(l2, '60-problems');
    await l2.getByTestId('problem-list').getByRole('link', { name: /^PRB-/ }).first().click();
    await l2.waitForURL(/\/problems\/PRB-\d{6}$/);
    await l2.getByRole('heading', { name: 'HP printers print blank pages' }).waitFor();
  }, 120_000);

  it('links an incident, records the root cause and publishes the workaround as a KB article', async () => {
    await l2.getByLabel('Link more incidents').fill(extra);
    await l2.getByRole('button', { name: 'Link', exact: true }).click();
    await l2.getByTestId('problem-incidents').getByRole('link', { name: extra }).waitFor();

    await l2.getByLabel('Root cause', { exact: true }).fill('Cartridges shipped with the seal in place.');
    await l2.getByRole('button', { name: 'Save' }).click();
    await l2.getByText('Saved.').first().waitFor();
    await expect.poll(() => l2.getByLabel('Root cause', { exact: true }).inputValue()).toBe('Cartridges shipped with the seal in place.');

    await l2.getByRole('combobox', { name: 'Space' }).click();
    await l2.getByRole('option', { name: 'Help centre' }).click();
    await checkScreen(l2, '61-problem');
    await l2.getByRole('button', { name: 'Publish as a KB article' }).click();
    await l2.getByText('Published to the knowledge base.').first().waitFor();
    await l2.getByTestId('workaround-article').click();
    await l2.waitForURL(/\/kb\/[0-9a-f-]{36}$/);
    await l2.getByRole('heading', { name: 'Workaround: HP printers print blank pages' }).waitFor();
    await l2.getByText('pull the orange seal tab').first().waitFor();

    // The request's page says which problem causes it.
    await l2.goto(`/tickets/${extra}`);
    await l2.getByTestId('problem-panel').getByRole('link', { name: /^PRB-/ }).waitFor();
  }, 120_000);

  it('declares a major incident, links a similar request, and shows the banner to the affected organization only', async () => {
    await l2.goto(`/tickets/${parent}`);
    await l2.getByRole('button', { name: 'Declare a major incident' }).click();
    await l2.getByLabel('Banner title').fill(`VPN outage ${stamp}`);
    await l2.getByLabel('Banner text for the affected clients').fill('Remote access is down; engineers are on it.');
    await l2.getByRole('dialog').getByRole('button', { name: 'Declare a major incident' }).click();
    await l2.getByText('Declared a major incident.').first().waitFor();
    await l2.getByTestId('major-similar').getByText(child).click();
    await l2.getByRole('button', { name: 'Link the selected' }).click();
    await l2.getByTestId('major-children').getByRole('link', { name: new RegExp(child) }).waitFor();
    await checkScreen(l2, '62-major-incident');

    await alice.goto('/requests');
    await alice.getByTestId('announcements').getByText(`Service incident: VPN outage ${stamp}`).waitFor();
    await alice.getByText('Remote access is down; engineers are on it.').waitFor();
    await checkScreen(alice, '63-portal-banner');

    // Client B is not affected: its portal has no banner.
    const bob = await signIn('bob@client-b.test', '/requests');
    await bob.getByRole('heading', { level: 1 }).first().waitFor();
    const banners = await bob.request.get('/api/v1/announcements');
    expect((await banners.json()).items).toEqual([]);
    expect(await bob.getByTestId('announcements').count()).toBe(0);
  }, 120_000);

  it('shows the problem, the major incident and the banner in Russian', async () => {
    await russian(l2);
    await l2.goto(`/tickets/${parent}`);
    await l2.getByTestId('major-panel').getByText('Авария', { exact: true }).waitFor();
    await checkScreen(l2, '64-major-incident-ru');
    await l2.goto('/problems');
    await l2.getByText('Инциденты по первопричинам').waitFor();
    await checkScreen(l2, '65-problems-ru');
    await l2.getByTestId('problem-list').getByRole('link', { name: /^PRB-/ }).first().click();
    await l2.getByText('Связанные инциденты').waitFor();
    await checkScreen(l2, '66-problem-ru');

    await russian(alice);
    await alice.getByTestId('announcements').getByText(`Авария: VPN outage ${stamp}`).waitFor();
    await checkScreen(alice, '67-portal-banner-ru');
    // The child's requester sees the resolution on her request once the parent is resolved.
    await l2.goto(`/tickets/${parent}`);
    await l2.getByRole('textbox', { name: 'Решение' }).fill('The VPN gateway was restarted.');
    await l2.getByRole('button', { name: 'Решить со всеми связанными' }).click();
    await alice.goto(`/tickets/${child}`);
    await alice.getByText('The VPN gateway was restarted.').first().waitFor();
    await expect.poll(async () => (await (await alice.request.get('/api/v1/announcements')).json()).items.length).toBe(0);
  }, 120_000);

  checksEveryScreen(errors);
});
