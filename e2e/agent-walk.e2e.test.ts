import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ru } from '../web/src/i18n/ru';
import { apiAs, oneMinuteL1Budget } from './support/api';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, DESKTOP, ensureChromium, launch, PHONE } from './support/browser';
import { badgesWhole, dueFirst, rows, sideways } from './support/queue';
import { russian, signer } from './support/session';

/**
 * Issue 12's walk, in one go as one L1 agent (Lena) in Russian, in a real browser against the real
 * server and worker: she reads the line queue (every badge whole at 1280×800 and on a phone),
 * filters it, sorts it by SLA, opens a request, inserts a canned reply with `::`, sends it with
 * Ctrl+Enter, applies a macro to five requests at once, merges two duplicates, and is warned live
 * at 75 % of the L1 budget.
 */
describe("the L1 agent's walk through issue 12 in Russian", () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const stamp = String(Date.now());
  const tickets: { id: string; number: string; priority: string }[] = [];

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    app = await startApp();
    browser = await launch();
    const alice = await apiAs(app.url, 'alice@client-a.test');
    for (let i = 1; i <= 7; i++) tickets.push((await alice('POST', '/tickets', { subject: `Не работает VPN ${stamp} №${i}`, description: 'Клиент VPN не подключается с утра.' })).body);
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.stop();
  });

  it('filters, sorts by SLA, answers with a canned reply and Ctrl+Enter, applies a macro to five, merges two, and is warned at 75 % of the L1 budget', async () => {
    const page = await signer(browser, app.url, errors, contexts).signIn('l1@demo.test');
    await russian(page);
    const manager = await apiAs(app.url, 'manager@demo.test');

    // The line queue reads at a glance: due first, every badge whole, room for the subject, at 1280×800 and on a phone.
    await page.setViewportSize(DESKTOP);
    await page.goto('/queues/line');
    await rows(page).first().waitFor();
    await expect.poll(() => dueFirst(page)).toBe(true);
    expect(await page.getByRole('columnheader', { name: 'Тема' }).count()).toBe(1);
    await badgesWhole(page);
    // About 40 characters of a subject: ~280 px of the 1280.
    expect((await page.locator('tbody td:nth-child(3)').first().boundingBox())!.width).toBeGreaterThanOrEqual(280);
    // The default columns fit the window: nothing scrolls sideways, not even inside the table's box.
    expect(await sideways(page)).toEqual({ page: 0, table: 0 });
    await checkScreen(page, 'queue-line-ru');
    // On a phone each request is a card: the subject has the card's width, nothing scrolls sideways.
    await page.setViewportSize(PHONE);
    await badgesWhole(page);
    expect(await sideways(page)).toEqual({ page: 0, table: 0 });
    expect((await page.locator('tbody td[data-col="subject"]').first().boundingBox())!.width).toBeGreaterThanOrEqual(300);
    await page.setViewportSize(DESKTOP);

    // She filters (newest first, as she had it) by her requests' priority and the search: both kept in the address.
    const mine = tickets.map((t) => t.number);
    const priority = tickets[0]!.priority;
    await page.goto('/queues/line?sort=-created');
    await rows(page).first().waitFor();
    await page.getByRole('button', { name: 'Фильтры', exact: true }).click();
    await page.getByTestId('queue-filters').getByLabel('Приоритет', { exact: true }).click({ force: true });
    await page.getByRole('option', { name: ru.priority[priority as 'P1'] }).click();
    await page.keyboard.press('Escape');
    await page.waitForURL(new RegExp(`priority=${priority}`));
    await page.getByRole('searchbox', { name: 'Поиск' }).fill(stamp);
    await page.waitForURL(new RegExp(`q=${stamp}`));
    const shown = () => rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-number')));
    await expect.poll(async () => (await shown()).sort()).toEqual([...mine].sort());
    expect(new Set(await rows(page).locator('[data-priority]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-priority'))))).toEqual(new Set([priority]));
    await expect.poll(() => page.getByTestId('queue-count').innerText()).toBe(`Заявок: ${mine.length}`);
    await badgesWhole(page);
    await checkScreen(page, 'queue-filters-ru');
    // The address keeps the filter: a reload shows the same.
    await page.reload();
    await expect.poll(async () => (await shown()).sort()).toEqual([...mine].sort());

    // She sorts by SLA from the header: due first, the filter kept.
    await page.getByRole('button', { name: /^SLA/ }).click();
    await page.waitForURL(/sort=due/);
    expect(new URL(page.url()).searchParams.get('priority')).toBe(priority);
    expect(new URL(page.url()).searchParams.get('q')).toBe(stamp);
    await expect.poll(() => dueFirst(page)).toBe(true);
    expect((await shown()).sort()).toEqual([...mine].sort());
    const queue = page.url();

    // She opens a request from the list.
    const first = tickets[0]!;
    await page.locator(`tr[data-number="${first.number}"] a`).first().click();
    await page.waitForURL(new RegExp(`/tickets/${first.number}$`));

    // `::` and a few letters: the canned reply, its placeholders filled, in the composer.
    const composer = page.getByTestId('composer');
    const area = composer.getByRole('textbox', { name: 'Ответ' });
    await area.click();
    await area.pressSequentially('::запрос');
    const picker = page.getByTestId('canned-picker');
    await picker.getByRole('option', { name: /Запросить подробности/ }).waitFor();
    await checkScreen(page, '40-canned-picker');
    await area.press('Enter');
    const canned = `Alice, чтобы решить обращение ${first.number} быстрее, пришлите, пожалуйста, снимок экрана с ошибкой и точное время, когда она появилась.`;
    await expect.poll(() => area.inputValue()).toBe(canned);
    expect(await picker.count()).toBe(0);

    // Ctrl+Enter sends: the reply is on the timeline, the composer empty.
    await area.press('Control+Enter');
    await page.locator('li[data-kind="reply"]').getByText(canned).waitFor();
    await expect.poll(() => area.inputValue()).toBe('');

    // Back in her queue, a macro on five requests at once.
    await page.goto(queue);
    await rows(page).first().waitFor();
    const five = tickets.slice(1, 6);
    for (const tk of five) await page.getByRole('checkbox', { name: `Выбрать ${tk.number}` }).check();
    const bar = page.getByTestId('bulk-bar');
    await bar.getByText('Выбрано: 5').waitFor();
    await checkScreen(page, '41-queue-bulk-bar');
    await bar.getByRole('button', { name: /Макросы/ }).click();
    await page.getByRole('menuitem', { name: /Запросить подробности/ }).click();
    await page.getByText('Изменено: 5').waitFor();
    for (const tk of five) {
      const d = (await manager('GET', `/tickets/${tk.id}`)).body;
      expect(d.status).toBe('pending_customer');
      expect(d.tags).toContain('needs-info');
    }
    // They left the line queue (waiting for the customer now); the selection went with them.
    await expect.poll(async () => (await shown()).sort()).toEqual([tickets[0]!.number, tickets[6]!.number].sort());
    expect(await bar.count()).toBe(0);

    // The two left are duplicates: she merges the first into the last.
    const [keep, dup] = [tickets[6]!, tickets[0]!];
    await page.getByRole('checkbox', { name: `Выбрать ${keep.number}` }).check();
    await page.getByRole('checkbox', { name: `Выбрать ${dup.number}` }).check();
    await page.getByTestId('bulk-merge').click();
    const dialog = page.getByRole('dialog', { name: 'Объединение дубликатов' });
    await dialog.getByRole('radio', { name: new RegExp(keep.number) }).check();
    await checkScreen(page, '42-merge-dialog');
    await dialog.getByTestId('merge-confirm').click();
    await page.waitForURL(new RegExp(`/tickets/${keep.number}$`));
    await page.locator('li[data-event="merged_from"]', { hasText: `присоединил(а) к этому обращению ${dup.number}` }).waitFor();
    await page.locator('li[data-kind="note"]', { hasText: dup.number }).waitFor();
    await checkScreen(page, '43-merged-request');
    // The duplicate is closed with a link to the kept one, its timeline (her canned reply) kept.
    await page.goto(`/tickets/${dup.number}`);
    await page.locator('li[data-event="merged_into"]', { hasText: keep.number }).waitFor();
    await page.getByText('Закрыта', { exact: true }).first().waitFor();
    await page.locator('li[data-kind="reply"]').getByText(canned).waitFor();
    expect((await manager('GET', `/tickets/${dup.id}`)).body.status).toBe('closed');

    // A one-minute L1 budget: a new request of Alice's is hers, and 45 s on the warning comes live, wherever she is.
    await oneMinuteL1Budget(app.url);
    await page.goto('/queues/mine');
    const alice = await apiAs(app.url, 'alice@client-a.test');
    const ticket = (await alice('POST', '/tickets', { subject: 'Не печатает принтер в бухгалтерии', description: 'Горит красная лампа' })).body;
    expect(ticket.assignee.name).toBe('Lena L1');
    const warning = page.getByTestId('budget-warning').filter({ hasText: ticket.number });
    await warning.waitFor({ timeout: 180_000 });
    await warning.getByText(`${ticket.number}: израсходовано 75\u00a0% лимита времени на L1`).waitFor();
    await warning.getByRole('button', { name: 'Передать сейчас' }).waitFor();
    await warning.getByRole('button', { name: 'Оставить' }).waitFor();
    await checkScreen(page, '60-budget-warning-ru');
    // "Escalate now": the request passes to L2, the reason in Russian on its timeline.
    await warning.getByRole('button', { name: 'Передать сейчас' }).click();
    await page.getByText('Передано на L2.').waitFor();
    expect((await manager('GET', `/tickets/${ticket.id}`)).body.line).toBe('L2');
    await page.goto(`/tickets/${ticket.number}`);
    const moved = page.locator('li[data-event="line_changed"]');
    await moved.getByText('линия: L1 → L2').waitFor();
    await moved.getByText('Причина: Передано исполнителем, когда лимит времени на L1 почти исчерпан').waitFor();
    await page.locator('li[data-event="assignee_changed"]').getByText('исполнитель: никто → Lena L1').first().waitFor();
    await page.getByText('Причина: Свободный специалист L1 с наименьшим числом открытых обращений').waitFor();
  }, 600_000);

  checksEveryScreen(errors);
});
