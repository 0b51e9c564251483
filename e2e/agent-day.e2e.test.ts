import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, oneMinuteL1Budget, type Api } from './support/api';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { russian, signer } from './support/session';

/**
 * An L1 agent's working day in Russian beyond the walk (agent-walk.e2e.test.ts: the live 75 %
 * warning and "escalate now", Ctrl+Enter), in a real browser against the real server and worker:
 * the request page's budget alert, keeping a request with a note and the manager seeing it, "by
 * time" moves with their reasons in Russian, a reply on a stale view warns, resolving and closing ask.
 */
describe('the L1 agent in Russian: budget alert and keeping, timeline, stale reply, resolve and close', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let alice: Api;
  let lena: Page;

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    app = await startApp();
    browser = await launch();
    // Client A's plan round the clock with a one-minute L1 budget: the warning comes 45 s after a request.
    await oneMinuteL1Budget(app.url);
    alice = await apiAs(app.url, 'alice@client-a.test');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const signIn = (email: string, path?: string, errs = errors) => signer(browser, app.url, errs, contexts).signIn(email, undefined, path);

  it('Lena (L1) signs in in Russian', async () => {
    lena = await signIn('l1@demo.test', '/queues/mine');
    await russian(lena);
  }, 60_000);

  it('shows "by time" moves and their reason in Russian, keeps another request with a note, and shows it to the manager', async () => {
    const ticket = (await alice('POST', '/tickets', { subject: 'Не открывается общая папка', description: 'Пишет: нет доступа' })).body;
    const keptOne = (await alice('POST', '/tickets', { subject: 'Не работает сканер на складе', description: 'Ошибка 5' })).body;
    await lena.goto(`/tickets/${ticket.number}`);
    // On the request page the same choice appears once 75 % is used; Lena lets it run out.
    await lena.getByTestId('budget-alert').waitFor({ timeout: 90_000 });
    // The other one she keeps, saying why, from the warning on screen.
    const warning = lena.getByTestId('budget-warning').filter({ hasText: keptOne.number });
    await warning.getByRole('button', { name: 'Оставить' }).click();
    await warning.getByRole('textbox', { name: /Почему оставляете/ }).fill('Клиент перезвонит через пять минут');
    await warning.getByRole('button', { name: 'Оставить и указать причину' }).click();
    await lena.getByText('Оставлено; причина — в истории заявки.').waitFor();
    await lena.getByTestId('time-left').first().waitFor();
    const moved = lena.locator('li[data-event="line_changed"]');
    await moved.getByText('линия: L1 → L2 (по времени)').waitFor({ timeout: 90_000 });
    await moved.getByText('Причина: Исчерпан лимит времени на L1: 1 раб. мин').waitFor();
    const text = await lena.locator('main').innerText();
    // No raw codes in what Lena reads.
    expect(text).not.toMatch(/\b(auto_assigned|line_budget_used|budget_escalated_early)\b/);
    expect(text).not.toContain('business minutes');
    await checkScreen(lena, '61-timeline-reasons-ru');

    // Past its budget, the kept request stays at L1, and the manager sees who keeps it and why.
    const manager = await signIn('manager@demo.test', '/dashboard');
    await russian(manager);
    const row = manager.getByTestId('kept-past-budget').locator('tr', { hasText: keptOne.number });
    await row.waitFor({ timeout: 60_000 });
    await row.getByText('Lena L1').waitFor();
    await row.getByText('Клиент перезвонит через пять минут').waitFor();
    expect((await (await apiAs(app.url, 'manager@demo.test'))('GET', `/tickets/${keptOne.id}`)).body.line).toBe('L1');
    await checkScreen(manager, '63-dashboard-kept-past-budget-ru');
    await lena.goto(`/tickets/${keptOne.number}`);
    await lena.locator('li[data-event="budget_kept"]').getByText('оставил(а) заявку на L1 сверх лимита времени').waitFor();
    await lena.getByText('Причина: Клиент перезвонит через пять минут').waitFor();
  }, 240_000);

  it('warns that the request changed when a reply is sent on a stale view, and sends it anyway on request', async () => {
    const ticket = (await alice('POST', '/tickets', { subject: 'Не приходит почта', description: 'Со вчера' })).body;
    // A view that hears of no changes (the live stream is cut), so it goes stale.
    const streamErrors: string[] = [];
    const stale = await signIn('l1@demo.test', `/tickets/${ticket.number}`, streamErrors);
    await russian(stale);
    await stale.route('**/api/v1/live', (route) => route.abort());
    await stale.reload();
    await stale.getByRole('heading', { name: 'Не приходит почта' }).waitFor();
    // The view as it stands: the timeline read (the automatic assignment is on it).
    await stale.locator('li[data-event="assignee_changed"]').first().waitFor();
    expect(await alice('POST', `/tickets/${ticket.id}/comments`, { body: 'Уже пришла, спасибо!' })).toMatchObject({ status: 201 });
    const box = stale.getByRole('textbox', { name: 'Ответ' });
    await box.fill('Проверьте, пожалуйста, папку «Спам».');
    await box.press('Control+Enter');
    const warning = stale.getByTestId('stale-warning');
    await warning.getByText('Пока вы писали, заявка изменилась').waitFor();
    await warning.getByText('Alice Petrova').waitFor();
    await warning.getByText(/ответил\(а\)/).waitFor();
    await checkScreen(stale, '62-stale-reply-ru');
    await warning.getByRole('button', { name: 'Всё равно отправить' }).click();
    await stale.locator('li[data-kind="reply"]').getByText('Проверьте, пожалуйста, папку «Спам».').waitFor();
    expect(await stale.getByTestId('stale-warning').count()).toBe(0);
    // Only the cut stream failed in that view.
    expect(streamErrors.filter((e) => !/ERR_FAILED|\/api\/v1\/live/.test(e))).toEqual([]);
  }, 90_000);

  it('asks for the resolution when resolving and for confirmation when closing', async () => {
    const ticket = (await alice('POST', '/tickets', { subject: 'Сломалась мышь', description: 'Не кликает' })).body;
    await lena.goto(`/tickets/${ticket.number}`);
    await lena.getByTestId('staff-panel').getByRole('combobox', { name: 'Статус' }).click();
    await lena.getByRole('option', { name: 'Решена', exact: false }).click();
    const modal = lena.getByTestId('resolve-modal');
    await modal.waitFor();
    await modal.getByRole('textbox', { name: /Решение/ }).fill('Заменили мышь на новую.');
    await modal.getByRole('button', { name: 'Решить' }).click();
    await lena.locator('li[data-kind="reply"]').getByText('Заменили мышь на новую.').waitFor();
    await expect.poll(async () => (await alice('GET', `/tickets/${ticket.id}`)).body.status).toBe('resolved');
    await lena.getByTestId('staff-panel').getByRole('combobox', { name: 'Статус' }).click();
    await lena.getByRole('option', { name: /Закрыт/ }).click();
    await lena.getByTestId('close-confirm').getByRole('button', { name: 'Закрыть заявку' }).click();
    await expect.poll(async () => (await alice('GET', `/tickets/${ticket.id}`)).body.status).toBe('closed');
  }, 60_000);

  checksEveryScreen(errors);
});
