import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, mailbox, startApp, type RunningApp } from './support/app';
import { checksEveryScreen, DESKTOP, ensureChromium, launch, personContext, shoot, unlabelledFields } from './support/browser';
import { english, PASSWORD, signer } from './support/session';

/**
 * The web app end to end, in Debian's Chromium, against Tierdesk started as in the quick start:
 * sign-in and password reset; a requester's request handled by L1, escalated, seen by the manager;
 * the requester sees the reply live and never the internal note; the switch to Russian.
 */
describe('the web app in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];

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

  /** A new browser context signed in as `email`, in English, at `path`. */
  const signIn = (email: string, password = PASSWORD, path = '/') => signer(browser, app.url, errors, contexts).signIn(email, password, path);

  let number = '';
  const subject = `Принтер печатает пустые листы ${Date.now()}`;
  const replyText = 'Please switch the printer off and on again; we are checking the driver.';
  const noteText = 'Internal: the driver update broke it, suspect firmware 4.2.';
  let alice: Page;
  let l1: Page;

  it('shows the sign-in screen, refuses a wrong password and is keyboard-usable', async () => {
    const context = await personContext(browser, app.url, errors);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/tickets/TD-000001');
    await page.waitForURL(/\/sign-in\?next=/);
    await english(page);
    await expect.poll(() => unlabelledFields(page)).toEqual([]);
    // The keyboard alone: the e-mail field has the focus, Tab goes on to the password, Enter signs in.
    const focused = () => page.evaluate<string | null>('document.activeElement && document.activeElement.getAttribute("type")');
    await expect.poll(focused).toBe('email');
    await page.keyboard.type('alice@client-a.test');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('password');
    await page.keyboard.type('not-the-password');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password.' }).waitFor();
    await shoot(page, '01-sign-in');
    // After sign-in the shared link lands on its screen.
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/tickets\/TD-000001$/);
    await page.getByText('TD-000001').first().waitFor();
  }, 60_000);

  it('the policy refuses an inline script and an image from another site, and the check sees both', async () => {
    const violations: string[] = [];
    const context = await personContext(browser, app.url, [], DESKTOP, violations);
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.evaluate(`(() => {
      const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.append(s);
      const i = document.createElement('img'); i.src = 'https://tracker.example/pixel.gif'; document.body.append(i);
    })()`);
    await expect.poll(() => violations.join('\n')).toMatch(/script-src(-elem)? refused inline/);
    await expect.poll(() => violations.join('\n')).toMatch(/img-src refused https:\/\/tracker\.example\/pixel\.gif/);
    expect(await page.evaluate('window.__ran')).toBeUndefined();
    await context.close();
  }, 60_000);

  it('resets a forgotten password from the e-mailed link', async () => {
    const context = await personContext(browser, app.url, errors);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/sign-in');
    await english(page);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await page.getByLabel('E-mail').fill('carol@client-c.test');
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('a link to set a new password is on its way').waitFor();
    await shoot(page, '02-forgot-password');
    // The worker of the running app writes the e-mail to DATA_DIR/mail.
    let token = '';
    await expect
      .poll(
        async () => {
          const mail = (await mailbox(app.dataDir)).find((m) => m.to.includes('carol@client-c.test') && m.text.includes('/reset-password?token='));
          token = mail ? decodeURIComponent(/\/reset-password\?token=([^\s"<>]+)/.exec(mail.text)![1]!) : '';
          return token;
        },
        { timeout: 15_000 },
      )
      .not.toBe('');
    await page.goto(`/reset-password?token=${encodeURIComponent(token)}`);
    await page.getByLabel(/^New password/).fill('carols-new-passphrase');
    await page.getByLabel(/^Repeat the new password/).fill('carols-new-passphrase');
    await shoot(page, '03-reset-password');
    await page.getByRole('button', { name: 'Save the password' }).click();
    await page.getByText('The password is set').waitFor();
    await context.close();
    const carol = await signIn('carol@client-c.test', 'carols-new-passphrase');
    await carol.waitForURL(/\/requests$/);
  }, 60_000);

  it('lets a requester make a request and see it in her list', async () => {
    alice = await signIn('alice@client-a.test');
    await alice.waitForURL(/\/requests$/);
    await alice.getByRole('heading', { name: 'My requests' }).waitFor();
    await shoot(alice, '04-portal-requests');
    await alice.getByRole('link', { name: 'New request' }).first().click();
    await alice.getByLabel('Subject').fill(subject);
    await alice.getByLabel('Describe the problem').fill('С утра принтер на третьем этаже печатает пустые листы. Перезагрузка не помогла.');
    expect(await unlabelledFields(alice)).toEqual([]);
    await shoot(alice, '05-portal-new-request');
    await alice.getByRole('button', { name: 'Send the request' }).click();
    await alice.waitForURL(/\/tickets\/TD-\d+$/);
    number = alice.url().split('/').pop()!;
    await alice.getByRole('heading', { name: subject }).waitFor();
    await alice.getByRole('link', { name: 'My requests' }).first().click();
    await alice.getByRole('link', { name: number }).waitFor();
    await alice.goto(`/tickets/${number}`);
    await alice.getByRole('heading', { name: subject }).waitFor();
  }, 60_000);

  it('lets L1 reply and write an internal note, which the requester sees live without the note', async () => {
    l1 = await signIn('l1@demo.test');
    await l1.waitForURL(/\/queues\/mine$/);
    // The first Tab on a freshly loaded screen reaches the skip link, which leads past the navigation.
    await l1.reload();
    await l1.getByRole('heading', { name: 'Queues' }).waitFor();
    await l1.keyboard.press('Tab');
    expect(await l1.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await l1.getByRole('tab', { name: 'Unassigned' }).click();
    await l1.waitForURL(/\/queues\/unassigned$/);
    await shoot(l1, '06-agent-queues');
    await l1.goto(`/tickets/${number}`);
    await l1.getByRole('heading', { name: subject }).waitFor();
    await l1.getByTestId('sla-panel').getByText('First response').waitFor();
    await l1.getByRole('textbox', { name: 'Reply' }).fill(replyText);
    await l1.getByRole('button', { name: 'Send', exact: true }).click();
    await l1.getByText(replyText).waitFor();
    await l1.locator('.mantine-SegmentedControl-label', { hasText: 'Internal note' }).click();
    await l1.getByRole('textbox', { name: 'Internal note' }).fill(noteText);
    await l1.setInputFiles('input[type=file]', { name: 'printer-log.txt', mimeType: 'text/plain', buffer: Buffer.from('E-204 at 09:14\n') });
    await l1.getByRole('button', { name: 'Add the note' }).click();
    await l1.getByText(noteText).waitFor();
    await l1.getByRole('link', { name: /printer-log\.txt/ }).waitFor();
    expect(await unlabelledFields(l1)).toEqual([]);
    await shoot(l1, '07-agent-ticket');

    // The requester's open page shows the reply by itself (Server-Sent Events), never the note.
    await alice.getByText(replyText).waitFor();
    await alice.reload();
    await alice.getByText(replyText).waitFor();
    expect(await alice.getByText(noteText).count()).toBe(0);
    expect(await alice.getByText('printer-log.txt').count()).toBe(0);
    await shoot(alice, '08-portal-ticket');

    // L1 escalates to L2 with a reason.
    await l1.getByRole('button', { name: 'Move to another line' }).click();
    const dialog = l1.getByRole('dialog');
    await dialog.getByLabel('Why does it move?').fill('Needs a driver rollback on the print server');
    await dialog.getByRole('button', { name: 'Move to another line' }).click();
    await l1.getByTestId('ticket-line').filter({ hasText: 'L2' }).waitFor();
    await l1.getByText('Needs a driver rollback on the print server').waitFor();
  }, 90_000);

  it('shows the manager the escalation, the workload and what is at risk', async () => {
    const manager = await signIn('manager@demo.test');
    await manager.waitForURL(/\/dashboard$/);
    await manager.getByTestId('escalation-feed').getByRole('link', { name: number }).waitFor();
    await manager.getByTestId('workload-table').waitFor();
    await manager.getByRole('heading', { name: 'At risk' }).waitFor();
    await shoot(manager, '09-manager-dashboard');
    await manager.getByTestId('escalation-feed').getByRole('link', { name: number }).click();
    await manager.getByText(noteText).waitFor();
    await manager.getByTestId('ticket-line').filter({ hasText: 'L2' }).waitFor();
    // L1 still has the request open: told at once that the manager is writing a reply.
    await manager.getByRole('textbox', { name: 'Reply' }).fill('We are on it.');
    await l1.getByTestId('replying-warning').filter({ hasText: 'Mikhail Manager' }).waitFor();
    await manager.goto('/queues/atRisk');
    await manager.getByRole('tab', { name: 'At risk', selected: true }).waitFor();
    await shoot(manager, '10-agent-at-risk');
  }, 60_000);

  it('lets staff write a knowledge-base page, edit it with a preview and see its history', async () => {
    const l2 = await signIn('l2@demo.test');
    await l2.getByRole('link', { name: 'Knowledge base' }).first().click();
    await l2.getByRole('heading', { name: 'Knowledge base' }).waitFor();
    await l2.getByRole('link', { name: 'New page' }).click();
    await l2.getByLabel(/^Title/).fill('Printer prints blank pages');
    await l2.getByLabel('Text (Markdown)').fill('## Symptoms\n\nThe printer feeds paper but prints nothing.\n');
    await l2.getByRole('tab', { name: 'Preview' }).click();
    await l2.getByTestId('kb-preview').getByRole('heading', { name: 'Symptoms' }).waitFor();
    await l2.getByRole('tab', { name: 'Write' }).click();
    await shoot(l2, '14-kb-edit');
    await l2.getByRole('button', { name: 'Submit for review' }).click();
    await l2.getByRole('heading', { name: 'Printer prints blank pages' }).waitFor();
    await l2.getByTestId('kb-body').getByRole('heading', { name: 'Symptoms' }).waitFor();

    await l2.getByRole('link', { name: 'Edit' }).click();
    await l2.getByLabel('Text (Markdown)').fill('## Symptoms\n\nThe printer feeds paper but prints nothing.\n\n## Fix\n\nRoll the driver back to 4.1.\n');
    await l2.getByLabel('What changed (optional)').fill('Added the fix');
    await l2.getByRole('button', { name: 'Save the page' }).click();
    await l2.getByTestId('kb-body').getByText('Roll the driver back to 4.1.').waitFor();
    await shoot(l2, '15-kb-page');

    await l2.getByRole('link', { name: 'History' }).click();
    await l2.getByTestId('kb-revisions').getByText('Added the fix').waitFor();
    expect(await l2.getByTestId('kb-revisions').locator('tbody tr').count()).toBe(2);
    await l2.getByTestId('kb-diff').locator('[data-change=added]', { hasText: 'Roll the driver back to 4.1.' }).waitFor();
    await shoot(l2, '16-kb-history');
    // Revert to the first revision: a third revision with the first one's text.
    await l2.getByRole('button', { name: 'Revert to this' }).click();
    await expect.poll(() => l2.getByTestId('kb-revisions').locator('tbody tr').count()).toBe(3);
  }, 60_000);

  it('lets the manager read this month\'s report and download it', async () => {
    const manager = await signIn('manager@demo.test', PASSWORD, '/reports?period=month');
    await manager.waitForURL(/\/reports/);
    await manager.getByRole('heading', { name: 'Requests over time' }).waitFor();
    await shoot(manager, '17-reports');
    const [xlsx] = await Promise.all([manager.waitForEvent('download'), manager.getByTestId('download-xlsx').click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = await xlsx.path();
    expect(fs.readFileSync(file).subarray(0, 2).toString()).toBe('PK');
    const [csv] = await Promise.all([manager.waitForEvent('download'), manager.getByRole('link', { name: 'SLA', exact: true }).click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    expect(fs.readFileSync(await csv.path()).length).toBeGreaterThan(0);
    await manager.locator('.mantine-SegmentedControl-label', { hasText: 'Staffing forecast' }).click();
    await manager.getByText('Agents needed').first().waitFor();
    await shoot(manager, '18-staffing');
  }, 60_000);

  it('switches the interface to Russian and remembers the choice', async () => {
    const admin = await signIn('admin@demo.test');
    await admin.goto('/admin');
    await admin.waitForURL(/\/admin\/organizations$/);
    await admin.getByTestId('organizations').getByRole('link', { name: 'Client A Logistics' }).waitFor();
    await shoot(admin, '11-admin');
    await admin.getByRole('link', { name: 'Categories' }).click();
    await admin.waitForURL(/\/admin\/categories$/);
    await admin.getByLabel('Name (English)').fill('Scanners');
    await admin.getByLabel('Name (Russian)').fill('Сканеры');
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.getByRole('cell', { name: 'Scanners', exact: true }).waitFor();
    await admin.goto('/profile');
    await admin.getByRole('heading', { name: 'Profile' }).waitFor();
    await shoot(admin, '12-profile');
    await admin.locator('label', { hasText: /^RU$/ }).first().click();
    await admin.getByRole('heading', { name: 'Профиль' }).waitFor();
    expect(await admin.evaluate<string>('document.documentElement.lang')).toBe('ru');
    await admin.reload();
    await admin.getByRole('heading', { name: 'Профиль' }).waitFor();
    await admin.getByRole('link', { name: 'Панель руководителя' }).click();
    await admin.getByRole('heading', { name: 'Сервис-деск' }).waitFor();
    await shoot(admin, '13-dashboard-ru');
    // The requester's view in Russian too.
    await alice.locator('label', { hasText: /^RU$/ }).first().click();
    await alice.getByRole('button', { name: 'Отправить' }).waitFor();
    await alice.goto('/requests');
    await alice.getByRole('heading', { name: 'Мои заявки' }).waitFor();
  }, 60_000);

  checksEveryScreen(errors);
});
