import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { signer } from './support/session';

/** The manager's screens of issue 13: workload against capacity, in both languages. */
describe("the manager's workload against capacity in a real browser", () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let manager: Page;

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

  /** Switches the interface (and the profile) to Russian. */
  async function russian(page: Page) {
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
    await page.locator('label', { hasText: /^RU$/ }).first().click();
    await saved;
    await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe('ru');
  }

  it('highlights an agent over capacity, and the name opens their queue', async () => {
    manager = await signer(browser, app.url, errors, contexts).signIn('manager@demo.test', undefined, '/dashboard');
    const people = (await (await manager.request.get('/api/v1/users?role=agent&limit=500')).json()) as { items: { id: string; email: string }[] };
    const lena = people.items.find((p) => p.email === 'l1@demo.test')!;
    // Half an hour on shift each day: whatever the time, half an hour in the next 24, so her open
    // requests per hour on shift are twice their number, more than L1 handles an hour.
    const half: [string, string][] = [['00:00', '00:30']];
    const me = (await (await manager.request.get('/api/v1/me')).json()) as { csrfToken: string };
    const put = await manager.request.put(`/api/v1/staffing/rosters/${lena.id}`, { headers: { 'x-csrf-token': me.csrfToken }, data: { week: { mon: half, tue: half, wed: half, thu: half, fri: half, sat: half, sun: half } } });
    expect(put.status()).toBe(200);
    await manager.goto('/dashboard');
    const row = manager.getByTestId('workload-table').locator('tr', { has: manager.getByRole('link', { name: 'Lena L1' }) });
    await row.getByText('Over capacity').waitFor();
    expect(await row.getAttribute('data-over')).toBe('true');
    // Liam has no roster: no hours on shift, never over.
    const liam = manager.getByTestId('workload-table').locator('tr', { has: manager.getByRole('link', { name: 'Liam L1' }) });
    await liam.getByText('No roster').waitFor();
    expect(await liam.getAttribute('data-over')).toBeNull();
    await checkScreen(manager, 'manager-01-capacity');

    await row.getByRole('link', { name: 'Lena L1' }).click();
    await manager.waitForURL((u) => u.pathname.startsWith('/queues/') && u.searchParams.get('assigneeId') === lena.id);
    await manager.getByRole('link', { name: 'Не могу войти в почту' }).first().waitFor();
  }, 90_000);

  it('reads the same in Russian', async () => {
    await manager.goto('/dashboard');
    await russian(manager);
    const row = manager.getByTestId('workload-table').locator('tr', { has: manager.getByRole('link', { name: 'Lena L1' }) });
    await row.getByText('Перегрузка').waitFor();
    await manager.getByRole('columnheader', { name: 'Открыто на час смены' }).waitFor();
    await checkScreen(manager, 'manager-02-capacity-ru');
  }, 60_000);

  checksEveryScreen(errors);
});
