import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch } from './support/browser';
import { signer } from './support/session';

/** Issue 13: the administrator imports people from a file, a preview with per-row problems first. */
describe('import of the directory in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let admin: Page;
  const stamp = Date.now();

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

  const file = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  const choose = (page: Page, f: ReturnType<typeof file>) => page.locator('input[type=file]').setInputFiles(f);

  it('shows a bad row with its number and column, refuses to import, then imports a good file', async () => {
    admin = await signer(browser, app.url, errors, contexts).signIn('admin@demo.test', undefined, '/admin/import');
    await admin.getByText('People', { exact: true }).click();
    await choose(admin, file('people.csv', `Email,Name,Role,Organization\nok-${stamp}@client-a.test,Ok Person,requester,Client A Logistics\nbad-${stamp}@client-a.test,Bad Person,requester,Nowhere Inc\n`));
    await admin.getByRole('button', { name: 'Preview' }).click();
    const rows = admin.getByTestId('import-rows');
    await rows.getByText('Organization: No organization with this name').waitFor();
    await expect.poll(() => rows.locator('tbody tr').nth(1).locator('td').first().textContent()).toBe('3');
    expect(await admin.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);

    await choose(admin, file('people.csv', `Email,Name,Role,Organization\nok-${stamp}@client-a.test,Ok Person,requester,Client A Logistics\n`));
    await admin.getByRole('button', { name: 'Preview' }).click();
    await admin.getByTestId('import-summary').getByText('To create: 1, to update: 0, problems: 0').waitFor();
    await admin.getByRole('button', { name: 'Import', exact: true }).click();
    await admin.getByTestId('import-summary').getByText('Imported. Created: 1, updated: 0').waitFor();
    await admin.goto('/admin/people');
    await admin.getByText(`ok-${stamp}@client-a.test`).first().waitFor();
  }, 120_000);

  it('reads in Russian at 1280×800 with the problems in Russian', async () => {
    await admin.goto('/admin/import');
    await admin.locator('label', { hasText: /^RU$/ }).first().click();
    await admin.getByText('Люди', { exact: true }).click();
    await choose(admin, file('people.csv', `Почта;ФИО;Роль;Организация\nbad-ru-${stamp}@client-a.test;Плохая строка;заявитель;Нет такой\n`));
    await admin.getByRole('button', { name: 'Предпросмотр' }).click();
    await admin.getByTestId('import-rows').getByText('Организация: Нет организации с таким названием').waitFor();
    await checkScreen(admin, '90-admin-import-ru');
    await admin.locator('label', { hasText: /^EN$/ }).first().click();
  }, 60_000);

  checksEveryScreen(errors);
});
