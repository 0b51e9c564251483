import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, mailbox, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, ensureChromium, launch, personContext } from './support/browser';
import { signer } from './support/session';

/** A local date-time for a datetime-local field, `days` from now at `hour`:00. */
function localInput(days: number, hour: number) {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setHours(hour, 0, 0, 0);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:00`;
}

/**
 * Issue 16's service catalog and changes in a real browser: the portal's catalog and order form
 * (English and Russian), the request page with the answers and the change, the approval page of
 * the e-mailed link, the approvals list and the change calendar.
 */
describe('the service catalog and changes with approval in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
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

  const signIn = (email: string, path?: string) => signer(browser, app.url, errors, contexts).signIn(email, undefined, path);
  const russian = async (page: Page) => {
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
    await page.locator('label', { hasText: /^RU$/ }).first().click();
    await saved;
    await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe('ru');
  };
  /** The approve link e-mailed to `to` about the change `number`. */
  const approvalLink = async (to: string, number: string) => {
    let link = '';
    await expect
      .poll(
        async () => {
          const mail = (await mailbox(app.dataDir)).find((m) => m.to.includes(to) && m.text.includes(number) && m.text.includes('/approve/'));
          link = mail ? /https?:\/\/\S+\/approve\/[A-Za-z0-9_-]+\?decision=approve/.exec(mail.text)![0] : '';
          return link;
        },
        { timeout: 20_000 },
      )
      .not.toBe('');
    return new URL(link).pathname + new URL(link).search;
  };

  let alice: Page;
  it('a requester orders from the catalog next to "report a problem"; a missing answer is named at its field', async () => {
    alice = await signIn('alice@client-a.test');
    await alice.getByRole('link', { name: 'Order a service' }).click();
    await alice.waitForURL(/\/catalog$/);
    await alice.getByRole('link', { name: 'Report a problem' }).waitFor();
    await expect.poll(() => alice.getByTestId('catalog-item').count()).toBe(4);
    await checkScreen(alice, 'catalog-01-portal-en');
    await alice.getByTestId('catalog-item').filter({ hasText: 'New employee account' }).getByRole('link', { name: 'Order' }).click();
    await alice.getByRole('heading', { name: 'New employee account' }).waitFor();
    await alice.getByRole('button', { name: 'Send the order' }).click();
    await expect.poll(() => alice.getByText('Required').count()).toBeGreaterThanOrEqual(3);
    await checkScreen(alice, 'catalog-02-order-form-en');
    await alice.getByLabel('Full name').fill(`Maria Volkova ${stamp}`);
    await alice.getByLabel('First working day').fill('2026-12-14');
    await alice.getByRole('combobox', { name: /^Department/ }).click();
    await alice.getByRole('option', { name: 'Warehouse' }).click();
    await alice.getByRole('combobox', { name: /^Line manager/ }).click();
    await alice.getByRole('option', { name: 'Dmitry Sokolov' }).click();
    await alice.getByRole('button', { name: 'Send the order' }).click();
    await alice.waitForURL(/\/tickets\/TD-\d{6}$/);
    const answers = alice.getByTestId('catalog-answers');
    await answers.getByText(`Maria Volkova ${stamp}`).waitFor();
    await answers.getByText('Dmitry Sokolov').waitFor();
    await answers.getByText('2026-12-14').waitFor();
  }, 90_000);

  let changeNumber = '';
  it('in Russian, orders a change: its plan and window, then it waits for approval', async () => {
    await alice.goto('/catalog');
    await russian(alice);
    await alice.getByRole('heading', { name: 'Заказать услугу' }).waitFor();
    await checkScreen(alice, 'catalog-03-portal-ru');
    await alice.getByTestId('catalog-item').filter({ hasText: 'Обслуживание сервера' }).getByRole('link', { name: 'Заказать' }).click();
    await alice.getByRole('heading', { name: 'Обслуживание сервера' }).waitFor();
    await alice.getByLabel('Сервер').fill(`DB-02 ${stamp}`);
    await alice.getByLabel('План работ').fill('Обновить СУБД до 16.4 и перезапустить службу.');
    await alice.getByLabel('План отката').fill('Восстановить из снимка, сделанного перед работами.');
    await alice.getByLabel('Начало окна').fill(localInput(2, 21));
    await alice.getByLabel('Конец окна').fill(localInput(2, 23));
    await checkScreen(alice, 'catalog-04-order-change-ru');
    await alice.getByRole('button', { name: 'Отправить заказ' }).click();
    await alice.waitForURL(/\/tickets\/TD-\d{6}$/);
    changeNumber = /TD-\d{6}/.exec(alice.url())![0];
    const panel = alice.getByTestId('change-panel');
    await panel.getByText('Ждёт согласования').waitFor();
    await panel.getByText('ИТ-руководитель клиента').waitFor();
    await checkScreen(alice, 'catalog-05-change-request-ru');
  }, 90_000);

  it('the e-mailed link opens a page with the choice (in the approver’s language); only its button decides', async () => {
    const path = await approvalLink('it@client-a.test', changeNumber);
    const context = await personContext(browser, app.url, errors);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(path);
    await page.getByRole('heading', { name: 'Согласование изменения' }).waitFor();
    await page.getByText(`DB-02 ${stamp}`, { exact: false }).count();
    await page.getByText('Обновить СУБД до 16.4').waitFor();
    // Opening the page recorded nothing: the change still waits.
    await page.getByText('Ждёт согласования').first().waitFor();
    await page.getByLabel('Комментарий (необязательно)').fill('Только после 21:00');
    await checkScreen(page, 'catalog-06-approval-link-ru');
    await page.getByTestId('decide').click();
    await page.getByTestId('decision-done').getByText('Согласовано').waitFor();
    await checkScreen(page, 'catalog-07-approval-link-done-ru');
    // The requester sees it approved, with who approved it how.
    await alice.reload();
    await alice.getByTestId('change-panel').getByText('Согласовано', { exact: true }).waitFor();
    await alice.getByTestId('change-panel').getByText(/ссылке из письма/).waitFor();
  }, 90_000);

  it('in English: a change of another client, approved by its IT manager on the approval page', async () => {
    const bob = await signIn('bob@client-b.test', '/catalog');
    await bob.getByTestId('catalog-item').filter({ hasText: 'Server maintenance' }).getByRole('link', { name: 'Order' }).click();
    await bob.getByLabel('Server').fill(`POS-04 ${stamp}`);
    await bob.getByLabel('Plan of the work').fill('Replace the till’s network card.');
    await bob.getByLabel('Rollback plan').fill('Put the old card back.');
    await bob.getByLabel('Window starts').fill(localInput(3, 7));
    await bob.getByLabel('Window ends').fill(localInput(3, 8));
    await bob.getByRole('button', { name: 'Send the order' }).click();
    await bob.waitForURL(/\/tickets\/TD-\d{6}$/);
    const number = /TD-\d{6}/.exec(bob.url())![0];
    await bob.getByTestId('change-panel').getByText('Waiting for approval').waitFor();
    const path = await approvalLink('it@client-b.test', number);
    const context = await personContext(browser, app.url, errors);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(path.replace('decision=approve', 'decision=reject'));
    await page.getByRole('heading', { name: 'Approval of a change' }).waitFor();
    // The link chose "reject"; the approver changes their mind on the page before pressing the button.
    await page.getByRole('button', { name: 'Reject the change' }).waitFor();
    await checkScreen(page, 'catalog-08-approval-link-en');
    await page.locator('label', { hasText: /^Approve$/ }).click();
    await page.getByRole('button', { name: 'Approve the change' }).click();
    await page.getByTestId('decision-done').getByText('Approved').waitFor();
  }, 90_000);

  it('an IT manager approves in the portal from the approvals list, and sees the change calendar of their organization', async () => {
    const igor = await signIn('it@client-a.test');
    await igor.getByRole('link', { name: 'Approvals' }).click();
    await igor.getByTestId('approvals').getByText('Обслуживание сервера').first().waitFor();
    await checkScreen(igor, 'catalog-09-approvals-en');
    // The demo's pending change: open it and approve it there.
    await igor.getByTestId('approvals').getByRole('link').first().click();
    await igor.waitForURL(/\/tickets\/TD-\d{6}$/);
    const panel = igor.getByTestId('change-panel');
    await panel.getByText('Your decision').waitFor();
    await panel.getByLabel('Comment (optional)').fill('Fine by me');
    await panel.getByRole('button', { name: 'Approve the change' }).click();
    await panel.getByText('Approved', { exact: true }).waitFor();

    await igor.getByRole('link', { name: 'Change calendar' }).click();
    const calendar = igor.getByTestId('change-calendar');
    await calendar.getByText(`Обслуживание сервера`).first().waitFor();
    await expect.poll(() => calendar.getByText('Client B Retail').count()).toBe(0);
    await checkScreen(igor, 'catalog-10-change-calendar-en');
    await russian(igor);
    await igor.getByRole('heading', { name: 'Календарь изменений' }).waitFor();
    await checkScreen(igor, 'catalog-11-change-calendar-ru');
  }, 90_000);

  it('staff see every client’s approved windows, and the request page shows a catalog order’s answers', async () => {
    const manager = await signIn('manager@demo.test', '/changes/calendar');
    const calendar = manager.getByTestId('change-calendar');
    await calendar.getByText('Client B Retail').first().waitFor();
    await calendar.getByText('Client A Logistics').first().waitFor();
    await checkScreen(manager, 'catalog-12-change-calendar-staff-en');
    await calendar.getByRole('link').first().click();
    await manager.waitForURL(/\/tickets\/TD-\d{6}$/);
    await manager.getByTestId('catalog-answers').waitFor();
    await manager.getByTestId('change-panel').waitFor();
    await checkScreen(manager, 'catalog-13-change-staff-en');
    // The orders, searched by an answer.
    await manager.getByRole('link', { name: 'Catalog orders' }).click();
    await manager.getByLabel('Search the answers').fill(`Maria Volkova ${stamp}`);
    await manager.getByLabel('Search the answers').press('Enter');
    await expect.poll(() => manager.getByTestId('catalog-orders').locator('tbody tr').count()).toBe(1);
    await manager.getByTestId('catalog-orders').getByText('New employee account').waitFor();
    await checkScreen(manager, 'catalog-16-orders-en');
    // Staff propose a change themselves.
    await manager.goto('/changes/calendar');
    await manager.getByRole('link', { name: 'New change' }).click();
    await manager.getByRole('combobox', { name: /^Requester/ }).click();
    await manager.getByRole('option', { name: /Bob Smith/ }).click();
    await manager.getByLabel(/^Subject/).fill(`Replace the core switch ${stamp}`);
    await manager.getByLabel(/^Description/).fill('Store 4 loses the network at night.');
    await manager.getByLabel(/^Plan of the work/).fill('Swap the switch, restore its configuration.');
    await manager.getByLabel(/^Rollback plan/).fill('Put the old switch back.');
    await manager.getByLabel(/^Window starts/).fill(localInput(5, 6));
    await manager.getByLabel(/^Window ends/).fill(localInput(5, 7));
    await checkScreen(manager, 'catalog-17-new-change-en');
    await manager.getByRole('button', { name: 'Make the change' }).click();
    await manager.waitForURL(/\/tickets\/TD-\d{6}$/);
    await manager.getByTestId('change-panel').getByText('Waiting for approval').waitFor();
  }, 120_000);

  it('the administrator edits an item’s form and the approval settings of the plans', async () => {
    const admin = await signIn('admin@demo.test', '/admin/catalog');
    await admin.getByTestId('catalog-admin').getByRole('link', { name: 'New laptop' }).click();
    await admin.waitForURL(/\/admin\/catalog\/[0-9a-f-]{36}$/);
    await admin.getByRole('button', { name: 'Add a field' }).click();
    const added = admin.getByTestId('field-editor').last();
    await added.getByLabel('Key').fill('cost_centre');
    await added.getByLabel('Label (English)').fill('Cost centre');
    await added.getByLabel('Label (Russian)').fill('Центр затрат');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByText('Saved.').first().waitFor();
    await checkScreen(admin, 'catalog-14-admin-item-en');
    await admin.goto('/admin/catalog');
    await admin.getByTestId('plan-approval-settings').waitFor();
    await russian(admin);
    await admin.getByText('Согласование изменений по тарифам').waitFor();
    await checkScreen(admin, 'catalog-15-admin-catalog-ru');
  }, 90_000);

  checksEveryScreen(errors);
});
