import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { PASSWORD, signer } from './support/session';

/**
 * Automation rules of issue 15 in a real browser, in Russian: a manager writes "VPN requests of
 * Client A go straight to L2 with a tag", tries it on a request, sees a new request moved by it
 * (the timeline says by which rule) and the run in the rule's history; a client cannot open the screen.
 */
describe('automation rules in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const stamp = String(Date.now());
  const ruleName = `VPN клиента A — сразу на L2 ${stamp}`;
  let manager: Page;
  let ruleUrl = '';
  let before: { id: string; number: string };
  let other: { id: string; number: string };

  /** Calls the API as a demo person (its own cookie jar), for the set-up and the checks. */
  async function as(email: string) {
    const login = await fetch(`${app.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const r = await fetch(`${app.url}/api/v1${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      return (r.status === 204 ? undefined : await r.json()) as T;
    };
  }

  /** Picks `option` in the Mantine select (or multi-select) named `name` inside `scope`. */
  async function choose(page: Page, scope: Page | Locator, name: string | RegExp, option: string | RegExp) {
    await scope.getByRole('combobox', { name }).first().click();
    await page.getByRole('option', { name: option, exact: typeof option === 'string' }).first().click();
  }

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    app = await startApp();
    browser = await launch();
    // Requests that were there before the rule: one of Client A for the dry run, one of Client B.
    before = await (await as('alice@client-a.test'))('POST', '/tickets', { subject: `VPN не подключается ${stamp}`, description: 'С утра клиент VPN пишет «нет ответа от сервера».' });
    other = await (await as('bob@client-b.test'))('POST', '/tickets', { subject: `VPN is down ${stamp}`, description: 'The VPN client cannot connect.' });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('a manager writes a rule in Russian: VPN requests of Client A go to L2 with a tag', async () => {
    manager = await signer(browser, app.url, errors, contexts).signIn('manager@demo.test');
    const saved = manager.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
    await manager.locator('label', { hasText: /^RU$/ }).first().click();
    await saved;
    await expect.poll(() => manager.evaluate<string>('document.documentElement.lang')).toBe('ru');

    await manager.getByRole('link', { name: 'Автоматизация' }).click();
    await manager.getByRole('heading', { name: 'Правила автоматизации' }).waitFor();
    await manager.getByRole('link', { name: 'Новое правило' }).click();
    await manager.getByRole('heading', { name: 'Новое правило' }).waitFor();

    await manager.getByRole('textbox', { name: /^Название/ }).fill(ruleName);
    await choose(manager, manager, 'Для кого', 'Client A Logistics');
    // The event is "a request is created" unless changed.
    await manager.getByText('Создано обращение').first().waitFor();

    const all = manager.getByTestId('conditions-all');
    await all.getByRole('button', { name: 'Добавить условие' }).click();
    const condition = all.getByTestId('condition').first();
    await choose(manager, condition, 'Поле', 'Тема');
    await choose(manager, condition, 'Проверка', 'содержит');
    await condition.getByRole('textbox', { name: 'Текст' }).fill('VPN');

    const actions = manager.getByTestId('actions');
    await actions.getByRole('button', { name: 'Добавить действие' }).click();
    const line = actions.getByTestId('action').nth(0);
    await choose(manager, line, 'Действие', 'Перевести на линию');
    await choose(manager, line, 'Линия', 'L2');
    await line.getByRole('textbox', { name: /^Причина/ }).fill('VPN клиента A решают инженеры');
    await actions.getByRole('button', { name: 'Добавить действие' }).click();
    const tags = actions.getByTestId('action').nth(1);
    await choose(manager, tags, 'Действие', 'Добавить метки');
    const tagBox = tags.getByLabel(/^Метки/);
    await tagBox.fill('vpn');
    await tagBox.press('Enter');
    await checkScreen(manager, 'automation-01-new-rule');

    await manager.getByRole('button', { name: 'Создать правило' }).click();
    await manager.waitForURL(/\/automation\/[0-9a-f-]{36}$/);
    ruleUrl = new URL(manager.url()).pathname;
    await manager.getByRole('heading', { name: ruleName }).waitFor();
    const rule = await (await as('manager@demo.test'))<{ organizationId: string; events: string[]; conditions: { all: { field: string; op: string; value: string }[] }; actions: { type: string }[] }>(
      'GET',
      `/automation/rules/${ruleUrl.split('/').pop()}`,
    );
    expect(rule.events).toEqual(['ticket.created']);
    expect(rule.conditions.all).toEqual([{ field: 'ticket.subject', op: 'contains', value: 'VPN' }]);
    expect(rule.actions).toEqual([
      { type: 'line', line: 'L2', reason: 'VPN клиента A решают инженеры' },
      { type: 'tags', add: ['vpn'] },
    ]);

    // The list: the rule is there, for Client A, in words.
    await manager.getByRole('link', { name: /Правила автоматизации/ }).click();
    const listed = manager.getByTestId('rules').locator('tr', { hasText: ruleName });
    await listed.getByText('Client A Logistics').waitFor();
    await listed.getByText('Создано обращение').waitFor();
    await listed.getByText('Перевести на линию: L2 · «VPN клиента A решают инженеры» → Добавить метки: vpn').waitFor();
    await checkScreen(manager, 'automation-02-rules');
    await listed.getByRole('link', { name: ruleName }).click();
    await manager.waitForURL((u) => u.pathname === ruleUrl);
  }, 120_000);

  it('dry-runs the rule against a request: each condition and the actions that would run', async () => {
    const card = manager.getByTestId('dry-run');
    await card.getByRole('textbox', { name: /^Номер обращения/ }).fill(before.number);
    await card.getByRole('button', { name: 'Проверить' }).click();
    const result = card.getByTestId('dry-run-result');
    await result.getByText('Подходит', { exact: true }).waitFor();
    expect(await result.getAttribute('data-matched')).toBe('true');
    await result.getByTestId('dry-run-conditions').getByText('Все: Тема содержит VPN').waitFor();
    await result.getByTestId('dry-run-actions').getByText('Перевести на линию: L2 · «VPN клиента A решают инженеры»').waitFor();
    await result.getByTestId('dry-run-actions').getByText('Добавить метки: vpn').waitFor();
    await checkScreen(manager, 'automation-03-dry-run');
    // Nothing was changed by trying.
    const untouched = await (await as('manager@demo.test'))<{ line: string; tags: string[] }>('GET', `/tickets/${before.id}`);
    expect(untouched.line).toBe('L1');
    expect(untouched.tags ?? []).not.toContain('vpn');

    // Another organization's request: the rule is not for it.
    await card.getByRole('textbox', { name: /^Номер обращения/ }).fill(other.number);
    await card.getByRole('button', { name: 'Проверить' }).click();
    await card.getByTestId('dry-run-result').getByText('Не подходит', { exact: true }).waitFor();
    await card.getByText('Ни одно действие не выполнилось бы.').waitFor();
    await card.getByTestId('dry-run-skipped').getByText('Обращение другой организации.').waitFor();

    // As set off by a change of the request: this rule runs only when one is created, and says so.
    await choose(manager, card, 'Как будто произошло', 'Обращение изменено');
    await choose(manager, card, 'Изменённое поле', 'Приоритет');
    await choose(manager, card, 'Стало', /^P3/);
    await card.getByRole('textbox', { name: /^Номер обращения/ }).fill(before.number);
    const asked = manager.waitForRequest((r) => r.url().endsWith('/dry-run') && r.method() === 'POST');
    await card.getByRole('button', { name: 'Проверить' }).click();
    expect((await asked).postDataJSON()).toEqual({ ticket: before.number, event: { type: 'ticket.updated', change: { field: 'ticket.priority', from: null, to: 'P3' } } });
    await card.getByTestId('dry-run-skipped').getByText('Правило не срабатывает на событие «Обращение изменено».').waitFor();
    await checkScreen(manager, 'automation-03-dry-run-event');
    await choose(manager, card, 'Как будто произошло', 'Нет: обращение как есть');
  }, 60_000);

  it('a new VPN request of Client A goes to L2 with the tag, "by" the rule on its timeline, and the run is in the history', async () => {
    const created = await (await as('alice@client-a.test'))<{ id: string; number: string }>('POST', '/tickets', { subject: `Снова не работает VPN ${stamp}`, description: 'Клиент VPN не подключается.' });
    const api = await as('manager@demo.test');
    await expect.poll(async () => (await api<{ line: string }>('GET', `/tickets/${created.id}`)).line, { timeout: 15_000 }).toBe('L2');
    expect((await api<{ tags: string[] }>('GET', `/tickets/${created.id}`)).tags).toContain('vpn');

    await manager.goto(`/tickets/${created.number}`);
    const moved = manager.locator('li[data-kind="event"][data-event="line_changed"]');
    await moved.getByTestId('by-rule').getByText(`Правило «${ruleName}»`).waitFor();
    expect(await moved.textContent()).toContain('L1 → L2');
    await manager.locator('li[data-event="automation_ran"]', { hasText: 'выполнило действия: Перевести на линию, Добавить метки' }).waitFor();

    // The request page: which rules would match it now.
    const panel = manager.getByTestId('ticket-automation');
    await panel.getByRole('button', { name: 'Какие правила подошли бы сейчас?' }).click();
    await panel.getByRole('link', { name: ruleName }).waitFor();
    await checkScreen(manager, 'automation-04-request-by-rule');

    await panel.getByRole('link', { name: ruleName }).click();
    await manager.waitForURL((u) => u.pathname === ruleUrl);
    const runs = manager.getByTestId('runs');
    const row = runs.locator('tr', { hasText: created.number });
    await row.waitFor();
    await row.getByText('Подходит', { exact: true }).waitFor();
    await row.getByText('Создано обращение').waitFor();
    await row.getByText('Перевести на линию: L2', { exact: false }).waitFor();
    await checkScreen(manager, 'automation-05-rule-history');

    // Switched off in the list, the rule is off for the API too.
    await manager.goto('/automation');
    const listed = manager.getByTestId('rules').locator('tr', { hasText: ruleName });
    await listed.getByRole('switch', { name: `«${ruleName}» включено` }).click({ force: true });
    await expect.poll(async () => (await api<{ enabled: boolean }>('GET', `/automation/rules/${ruleUrl.split('/').pop()}`)).enabled).toBe(false);
  }, 120_000);

  it('shows a failing rule’s error in Russian in the list and its history, and links a KB article picked by searching', async () => {
    const mgr = await as('manager@demo.test');
    const admin = await as('admin@demo.test');
    const hook = await admin<{ id: string }>('POST', '/webhooks', { name: `Ушедший веб-хук ${stamp}`, url: 'http://127.0.0.1:9/gone', events: ['ticket.rated'] });
    const failingName = `Веб-хук, которого больше нет ${stamp}`;
    const failing = await mgr<{ id: string }>('POST', '/automation/rules', {
      name: failingName,
      events: ['ticket.created'],
      conditions: { all: [{ field: 'ticket.subject', op: 'contains', value: `kb-${stamp}` }] },
      actions: [{ type: 'webhook', webhookId: hook.id }],
    });
    await admin('DELETE', `/webhooks/${hook.id}`);
    await (await as('alice@client-a.test'))('POST', '/tickets', { subject: `Принтер печатает пустые листы kb-${stamp}`, description: 'Листы выходят пустыми.' });
    const failure = 'Действие 1 (Вызвать веб-хук) не выполнено: Не найдено или недоступно вам.';

    await manager.goto('/automation');
    const listed = manager.getByTestId('rules').locator('tr', { hasText: failingName });
    await listed.getByTestId('rule-error').getByText(failure).waitFor();
    await checkScreen(manager, 'automation-06-error-in-russian');
    await listed.getByRole('link', { name: failingName }).click();
    await manager.getByRole('heading', { name: failingName }).waitFor();
    await manager.getByTestId('rule-error').getByText(`Последняя ошибка: ${failure}`).waitFor();
    await manager.getByTestId('runs').getByTestId('run-error').getByText(failure).waitFor();

    // Instead of the webhook, the article on printing goes to such requests: picked by searching the KB.
    const actions = manager.getByTestId('actions');
    await actions.getByRole('button', { name: 'Убрать действие 1' }).click();
    await actions.getByRole('button', { name: 'Добавить действие' }).click();
    const kb = actions.getByTestId('action').first();
    await choose(manager, kb, 'Действие', 'Привязать статью базы знаний');
    await kb.getByRole('combobox', { name: 'Статья' }).fill('blank pages');
    await manager.getByRole('option', { name: 'Printer prints blank pages' }).click();
    await checkScreen(manager, 'automation-07-kb-article-picker');
    const saved = manager.waitForResponse((r) => r.url().includes(`/automation/rules/${failing.id}`) && r.request().method() === 'PATCH');
    await manager.getByRole('button', { name: 'Сохранить' }).click();
    expect((await saved).status()).toBe(200);
    const rule = await mgr<{ actions: { type: string; pageId?: string }[] }>('GET', `/automation/rules/${failing.id}`);
    const pages = await mgr<{ items: { id: string; title: string }[] }>('GET', `/kb/search?kind=page&q=${encodeURIComponent('blank pages')}`);
    expect(rule.actions).toEqual([{ type: 'kb', pageId: pages.items.find((p) => p.title === 'Printer prints blank pages')!.id }]);
    // Opened again, the rule shows the article it links by its title.
    await manager.reload();
    await expect.poll(() => manager.getByTestId('actions').getByRole('combobox', { name: 'Статья' }).inputValue()).toBe('Printer prints blank pages');
  }, 120_000);

  it('an agent reads the rule but cannot change it; a client user cannot open the screens', async () => {
    const l1 = await signer(browser, app.url, errors, contexts).signIn('l1@demo.test');
    await l1.goto(ruleUrl);
    await l1.getByRole('heading', { name: ruleName }).waitFor();
    expect(await l1.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await l1.getByRole('textbox', { name: /^Name/ }).isDisabled()).toBe(true);

    const alice = await signer(browser, app.url, errors, contexts).signIn('alice@client-a.test');
    for (const path of ['/automation', ruleUrl, '/automation/new']) {
      await alice.goto(path);
      await alice.getByTestId('not-for-you').waitFor();
      expect(await alice.locator('main input, main table').count(), path).toBe(0);
    }
    expect(await alice.getByRole('link', { name: 'Automation' }).count()).toBe(0);
  }, 90_000);

  checksEveryScreen(errors);
});
