import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { PASSWORD, signer } from './support/session';

/**
 * The agent's fast tools of issue 12 in a real browser, in Russian: a canned reply inserted with
 * `::`, a macro applied to five requests at once from the queue, two duplicates merged.
 */
describe('canned replies, macros, bulk work and merging in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const stamp = String(Date.now());
  let l1: Page;
  const tickets: { id: string; number: string }[] = [];

  /** Calls the API as a demo person (its own cookie jar), for the set-up and the checks. */
  async function as(email: string) {
    const login = await fetch(`${app.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const r = await fetch(`${app.url}/api/v1${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      return (await r.json()) as T;
    };
  }

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    app = await startApp();
    browser = await launch();
    const alice = await as('alice@client-a.test');
    for (let i = 1; i <= 7; i++) tickets.push(await alice('POST', '/tickets', { subject: `Не работает VPN ${stamp} №${i}`, description: 'Клиент VPN не подключается с утра.' }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('L1 in Russian inserts a canned reply by typing :: and sends it', async () => {
    l1 = await signer(browser, app.url, errors, contexts).signIn('l1@demo.test');
    const saved = l1.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
    await l1.locator('label', { hasText: /^RU$/ }).first().click();
    await saved;
    await expect.poll(() => l1.evaluate<string>('document.documentElement.lang')).toBe('ru');

    const first = tickets[0]!;
    await l1.goto(`/tickets/${first.number}`);
    const area = l1.getByTestId('composer').getByRole('textbox', { name: 'Ответ' });
    await area.click();
    await area.pressSequentially('::запрос');
    const picker = l1.getByTestId('canned-picker');
    await picker.getByRole('option', { name: /Запросить подробности/ }).waitFor();
    await checkScreen(l1, '40-canned-picker');
    await area.press('Enter');
    await expect.poll(() => area.inputValue()).toBe(`Alice, чтобы решить обращение ${first.number} быстрее, пришлите, пожалуйста, снимок экрана с ошибкой и точное время, когда она появилась.`);
    expect(await picker.count()).toBe(0);
    await l1.getByTestId('composer').getByRole('button', { name: 'Отправить' }).click();
    await l1.locator('li[data-kind="reply"]', { hasText: `Alice, чтобы решить обращение ${first.number}` }).waitFor();
  }, 90_000);

  it('applies a macro to five requests at once from the queue', async () => {
    await l1.goto('/queues/line');
    await l1.getByRole('searchbox', { name: 'Поиск' }).fill(stamp);
    for (const tk of tickets.slice(1, 6)) await l1.getByRole('checkbox', { name: `Выбрать ${tk.number}` }).check();
    const bar = l1.getByTestId('bulk-bar');
    await bar.getByText('Выбрано: 5').waitFor();
    await checkScreen(l1, '41-queue-bulk-bar');
    await bar.getByRole('button', { name: /Макросы/ }).click();
    await l1.getByRole('menuitem', { name: /Запросить подробности/ }).click();
    await l1.getByText('Изменено: 5').waitFor();
    const manager = await as('manager@demo.test');
    for (const tk of tickets.slice(1, 6)) {
      const d = await manager<{ status: string; tags: string[] }>('GET', `/tickets/${tk.id}`);
      expect(d.status).toBe('pending_customer');
      expect(d.tags).toContain('needs-info');
    }
    // They left the line queue (waiting for the customer now); the selection went with them.
    await expect.poll(() => l1.locator('[data-testid="ticket-table"] tbody tr').count()).toBe(2);
    expect(await bar.count()).toBe(0);
  }, 90_000);

  it('merges two duplicates from the queue; the kept one says where the other came from', async () => {
    const [keep, dup] = [tickets[5 + 1]!, tickets[0]!];
    await l1.getByRole('searchbox', { name: 'Поиск' }).fill(stamp);
    await l1.getByRole('checkbox', { name: `Выбрать ${keep.number}` }).check();
    await l1.getByRole('checkbox', { name: `Выбрать ${dup.number}` }).check();
    await l1.getByTestId('bulk-merge').click();
    const dialog = l1.getByRole('dialog', { name: 'Объединение дубликатов' });
    await dialog.getByRole('radio', { name: new RegExp(keep.number) }).check();
    await checkScreen(l1, '42-merge-dialog');
    await dialog.getByTestId('merge-confirm').click();
    await l1.waitForURL(new RegExp(`/tickets/${keep.number}$`));
    await l1.locator('li[data-event="merged_from"]', { hasText: `присоединил(а) к этому обращению ${dup.number}` }).waitFor();
    await l1.locator('li[data-kind="note"]', { hasText: dup.number }).waitFor();
    await checkScreen(l1, '43-merged-request');
    await l1.goto(`/tickets/${dup.number}`);
    await l1.locator('li[data-event="merged_into"]', { hasText: keep.number }).waitFor();
    await l1.getByText('Закрыта', { exact: true }).first().waitFor();
  }, 90_000);

  it('shows the canned replies screen', async () => {
    await l1.goto('/queues/mine');
    await l1.getByRole('link', { name: 'Шаблоны ответов' }).click();
    await l1.getByRole('heading', { name: 'Шаблоны ответов' }).waitFor();
    await l1.getByTestId('canned-table').getByText('Запросить подробности / Ask for details').waitFor();
    await checkScreen(l1, '44-canned-replies');
  }, 60_000);

  it('makes a personal macro on the macros screen, and it is in the menu of a request', async () => {
    await l1.goto('/queues/mine');
    await l1.getByRole('link', { name: 'Макросы' }).click();
    await l1.getByRole('button', { name: 'Новый макрос' }).click();
    const dialog = l1.getByRole('dialog', { name: 'Новый макрос' });
    await dialog.getByRole('textbox', { name: /Название/ }).fill(`Взять и пометить ${stamp}`);
    await dialog.getByRole('checkbox', { name: 'Назначить на того, кто применяет' }).check();
    await dialog.getByRole('textbox', { name: 'Добавить метки (через запятую)' }).fill('vpn, e2e');
    await checkScreen(l1, '45-macro-form');
    await dialog.getByRole('button', { name: 'Сохранить' }).click();
    const row = l1.getByTestId('macro-table').getByRole('row', { name: new RegExp(`Взять и пометить ${stamp}`) });
    await row.getByText('исполнитель → метки').waitFor();
    await checkScreen(l1, '46-macros');
    await l1.goto(`/tickets/${tickets[6]!.number}`);
    await l1.getByTestId('macro-menu').click();
    await l1.getByRole('menuitem', { name: new RegExp(`Взять и пометить ${stamp}`) }).click();
    await l1.getByText('Изменено: 1').waitFor();
    const d = await (await as('manager@demo.test'))<{ tags: string[] }>('GET', `/tickets/${tickets[6]!.id}`);
    expect(d.tags).toEqual(['e2e', 'vpn']);
  }, 60_000);

  checksEveryScreen(errors);
});
