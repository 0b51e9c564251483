import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ru } from '../web/src/i18n/ru';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checksEveryScreen, DESKTOP, ensureChromium, launch, PHONE, shoot } from './support/browser';
import { signer } from './support/session';

/**
 * The agent's queue in Russian, at 1280×800 and on a phone: every status and priority badge shows
 * its whole label, the subject has room; filters kept in the address, sorted by SLA due first,
 * j / k / x / Enter, a saved view with its count.
 */
describe('the queue in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let page: Page;

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    app = await startApp();
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.stop();
  });

  const rows = () => page.getByTestId('ticket-table').locator('tbody tr');

  /** How far the page and the list stick out sideways (0 when they fit the window). */
  const sideways = () =>
    page.evaluate<{ page: number; table: number }>(`(() => {
      const t = document.querySelector('[data-testid="ticket-table"]');
      return { page: Math.max(0, document.documentElement.scrollWidth - innerWidth), table: Math.max(0, t.scrollWidth - t.parentElement.clientWidth) };
    })()`);

  /** Each badge's rendered text against its whole label, and whether any is cut (wider than its box). */
  async function badges(staff = true) {
    const shown = await page.evaluate<{ kind: string; key: string; text: string; cut: boolean }[]>(`[...document.querySelectorAll('[data-testid="ticket-table"] [data-status], [data-testid="ticket-table"] [data-priority]')]
      .map((b) => {
        // The light list's badges are their own label.
        const label = b.querySelector('.mantine-Badge-label') || b;
        return {
          kind: b.hasAttribute('data-status') ? 'status' : 'priority',
          key: b.getAttribute('data-status') || b.getAttribute('data-priority'),
          text: b.innerText.trim(),
          cut: label.scrollWidth > label.clientWidth + 1,
        };
      })`);
    expect(shown.length).toBeGreaterThan(0);
    for (const b of shown) {
      const full = b.kind === 'priority' ? ru.priority[b.key as 'P1'] : ((staff && (ru.statusStaff as Record<string, string>)[b.key]) || ru.status[b.key as 'new']);
      expect(b.text, `${b.kind} ${b.key}`).toBe(full);
      expect(b.cut, `${b.kind} ${b.key} cut`).toBe(false);
    }
  }

  it('an L1 agent signs in and switches to Russian', async () => {
    page = await signer(browser, app.url, errors, contexts).signIn('l1@demo.test');
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
    await page.locator('label', { hasText: /^RU$/ }).first().click();
    await saved;
    await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe('ru');
  }, 60_000);

  it('shows the line queue due first, every badge whole and room for the subject, at 1280×800 and on a phone', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto('/queues/line');
    await rows().first().waitFor();
    expect(await page.getByRole('columnheader', { name: 'Тема' }).count()).toBe(1);
    await badges();
    // About 40 characters of a subject: ~280 px of the 1280.
    const subject = await page.locator('tbody td:nth-child(3)').first().boundingBox();
    expect(subject!.width).toBeGreaterThanOrEqual(280);
    // The default columns fit the window: nothing scrolls sideways, not even inside the table's box.
    expect(await sideways()).toEqual({ page: 0, table: 0 });
    await shoot(page, 'queue-line-ru');
    // On a phone each request is a card: the subject has the card's width, nothing scrolls sideways.
    await page.setViewportSize(PHONE);
    await badges();
    expect(await sideways()).toEqual({ page: 0, table: 0 });
    const card = await page.locator('tbody td[data-col="subject"]').first().boundingBox();
    expect(card!.width).toBeGreaterThanOrEqual(300);
    await page.setViewportSize(DESKTOP);
  }, 60_000);

  it("shows the requester's list in Russian with whole badges, at 1280×800 and on a phone", async () => {
    const alice = await signer(browser, app.url, errors, contexts).signIn('alice@client-a.test');
    const saved = alice.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
    await alice.locator('label', { hasText: /^RU$/ }).first().click();
    await saved;
    const agent = page;
    page = alice;
    try {
      for (const size of [DESKTOP, PHONE]) {
        await page.setViewportSize(size);
        await page.goto('/requests');
        await rows().first().waitFor();
        await badges(false);
        expect(await sideways(), `${size.width}px`).toEqual({ page: 0, table: 0 });
      }
      await shoot(page, 'requests-ru');
    } finally {
      page = agent;
    }
  }, 60_000);

  it('filters by priority and SLA state in the address, with the count', async () => {
    await page.goto('/queues/line');
    await rows().first().waitFor();
    const priority = (await rows().first().locator('[data-priority]').getAttribute('data-priority'))!;
    await page.getByRole('button', { name: 'Фильтры', exact: true }).click();
    await page.getByTestId('queue-filters').getByLabel('Приоритет', { exact: true }).click({ force: true });
    await page.getByRole('option', { name: ru.priority[priority as 'P1'] }).click();
    await page.keyboard.press('Escape');
    await page.waitForURL(new RegExp(`priority=${priority}`));
    await expect.poll(async () => new Set(await rows().locator('[data-priority]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-priority'))))).toEqual(new Set([priority]));
    const n = await rows().count();
    await expect.poll(() => page.getByTestId('queue-count').innerText()).toBe(`Заявок: ${n}`);
    await shoot(page, 'queue-filters-ru');
    // The address keeps the filter: a reload shows the same.
    await page.reload();
    await rows().first().waitFor();
    expect(await rows().count()).toBe(n);
  }, 60_000);

  it('sorts by SLA due first from the header', async () => {
    await page.goto('/queues/line?sort=-created');
    await rows().first().waitFor();
    await page.getByRole('button', { name: /^SLA/ }).click();
    await page.waitForURL(/sort=due/);
    await expect
      .poll(async () => {
        const dues = await rows().evaluateAll((trs) => trs.map((tr) => tr.querySelector('[data-col="sla"] [data-due]')?.getAttribute('data-due') ?? null));
        // Due first: the running clocks by due instant, those without one after them.
        const cut = dues.includes(null) ? dues.indexOf(null) : dues.length;
        const known = dues.slice(0, cut) as string[];
        return known.length > 0 && known.join() === [...known].sort().join() && dues.slice(cut).every((d) => d === null);
      })
      .toBe(true);
  }, 60_000);

  it('moves with j and k, selects with x for the bulk bar, opens with Enter', async () => {
    await page.goto('/queues/line');
    await rows().nth(1).waitFor();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect.poll(() => rows().nth(1).getAttribute('data-active')).toBe('true');
    await page.keyboard.press('k');
    await expect.poll(() => rows().nth(0).getAttribute('data-active')).toBe('true');
    await page.keyboard.press('x');
    await expect.poll(() => rows().nth(0).getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('bulk-bar').getByText('Выбрано: 1').waitFor();
    await shoot(page, 'queue-selected-ru');
    const number = (await rows().nth(0).getAttribute('data-number'))!;
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/tickets/${number}$`));
  }, 60_000);

  it('saves the filters as a view, shown with its count', async () => {
    await page.goto('/queues/line?priority=P1,P2,P3,P4');
    await rows().first().waitFor();
    // With filters in the address, the filter panel is open already.
    expect(await page.getByRole('button', { name: 'Фильтры', exact: true }).getAttribute('aria-expanded')).toBe('true');
    await page.getByLabel('Название представления').fill('Моя линия, все приоритеты');
    await page.getByRole('button', { name: 'Сохранить как представление' }).click();
    await page.waitForURL(/\/queues\/views\?.*view=/);
    const view = page.locator('[data-view="Моя линия, все приоритеты"]');
    await view.waitFor();
    const count = await page.getByTestId('queue-count').innerText();
    await expect.poll(async () => `Заявок: ${(await view.innerText()).split('\n').pop()}`).toBe(count);
    await shoot(page, 'queue-view-ru');
  }, 60_000);

  checksEveryScreen(errors);
});
