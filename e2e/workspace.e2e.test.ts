import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs } from './support/api';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { russian, signer } from './support/session';

/**
 * The screens behind the agent's fast tools of issue 12 in a real browser, in Russian (their use —
 * a canned reply with `::`, a macro on five requests, a merge — is in agent-walk.e2e.test.ts): the
 * canned replies screen, a personal macro made and applied from a request's menu.
 */
describe('the canned replies and macros screens in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const stamp = String(Date.now());
  let l1: Page;
  let ticket: { id: string; number: string };

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    app = await startApp();
    browser = await launch();
    const alice = await apiAs(app.url, 'alice@client-a.test');
    ticket = (await alice('POST', '/tickets', { subject: `Не работает VPN ${stamp}`, description: 'Клиент VPN не подключается с утра.' })).body;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('L1 signs in in Russian', async () => {
    l1 = await signer(browser, app.url, errors, contexts).signIn('l1@demo.test');
    await russian(l1);
  }, 60_000);

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
    await l1.goto(`/tickets/${ticket.number}`);
    await l1.getByTestId('macro-menu').click();
    await l1.getByRole('menuitem', { name: new RegExp(`Взять и пометить ${stamp}`) }).click();
    await l1.getByText('Изменено: 1').waitFor();
    const d = (await (await apiAs(app.url, 'manager@demo.test'))('GET', `/tickets/${ticket.id}`)).body;
    expect(d.tags).toEqual(['e2e', 'vpn']);
  }, 60_000);

  checksEveryScreen(errors);
});
