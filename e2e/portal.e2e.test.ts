import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, mailbox, startApp, type RunningApp } from './support/app';
import { checkScreen, ensureChromium, launch, PHONE, DESKTOP } from './support/browser';
import { signer } from './support/session';

/**
 * The requester's first request in the portal: a category and a file with it, the knowledge base's
 * suggestions with their whole "This solved it" button, the e-mailed receipt with the number, the
 * service level in plain words, and the article staff link to it shown on her request.
 */
describe("the requester's portal", () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let alice: Page;
  let number = '';
  const subject = `Printer prints blank pages ${Date.now()}`;

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

  const signIn = (email: string) => signer(browser, app.url, errors, contexts).signIn(email);

  it('makes a request with a category and a file, and the suggestions keep their buttons whole', async () => {
    alice = await signIn('alice@client-a.test');
    await alice.goto('/requests/new');
    await alice.getByLabel('Subject').fill(subject);
    const solved = alice.getByRole('button', { name: 'This solved it' }).first();
    await solved.waitFor();
    // At phone size too, the label is whole (not cut to "Thi…").
    for (const size of [DESKTOP, PHONE]) {
      await alice.setViewportSize(size);
      const label = solved.locator('.mantine-Button-label');
      await expect.poll(() => label.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    }
    await alice.setViewportSize(DESKTOP);
    await alice.getByLabel('Describe the problem').fill('Since this morning the printer on the 3rd floor prints blank pages.');
    await alice.getByLabel('What is it about?').first().click();
    const category = (await alice.getByRole('option').first().textContent())!;
    await alice.getByRole('option').first().click();
    await alice.setInputFiles('input[type=file]', { name: 'test-page.txt', mimeType: 'text/plain', buffer: Buffer.from('blank\n') });
    await checkScreen(alice, 'portal-01-new-request');
    await alice.getByRole('button', { name: 'Send the request' }).click();
    await alice.waitForURL(/\/tickets\/TD-\d+$/);
    number = alice.url().split('/').pop()!;
    await alice.getByRole('heading', { name: subject }).waitFor();
    await alice.getByRole('link', { name: /test-page\.txt/ }).waitFor();
    // The category chosen is the request's (the requester's page does not show it; the API does).
    const categories = (await (await alice.request.get('/api/v1/categories')).json()) as { items: { id: string; name: string }[] };
    const ticket = (await (await alice.request.get(`/api/v1/tickets/${number}`)).json()) as { categoryId: string | null };
    expect(categories.items.find((c) => c.id === ticket.categoryId)?.name).toBe(category);
  }, 90_000);

  it('tells the requester the number by e-mail, and the service level in plain words', async () => {
    await expect
      .poll(async () => (await mailbox(app.dataDir)).filter((m) => m.to.includes('alice@client-a.test') && m.text.includes(`registered under the number ${number}`)).length, { timeout: 20_000 })
      .toBe(1);
    const sla = alice.getByTestId('client-sla');
    await sla.getByText(/^We answer within \d+ working (hours|minutes)\.$|^We answer within one working hour\.$/).waitFor();
    expect(await sla.textContent()).not.toMatch(/target|used|\d+ h \d+ min/);
    await checkScreen(alice, 'portal-02-request');
  }, 60_000);

  it('shows the requester the article staff link to her request', async () => {
    const l2 = await signIn('l2@demo.test');
    await l2.goto(`/tickets/${number}`);
    const panel = l2.getByTestId('articles-panel');
    await panel.getByLabel('Articles that may fit').first().click();
    await l2.getByRole('option', { name: 'Printer prints blank pages' }).click();
    await panel.getByRole('button', { name: 'Link' }).click();
    await panel.getByRole('link', { name: 'Printer prints blank pages' }).waitFor();
    await alice.reload();
    await alice.getByTestId('client-solutions').getByRole('link', { name: 'Printer prints blank pages' }).click();
    await alice.getByRole('heading', { name: 'Printer prints blank pages' }).waitFor();
  }, 60_000);

  it('had no console errors', () => {
    expect(errors).toEqual([]);
  });
});
