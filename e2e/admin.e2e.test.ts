import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { apiAs } from './support/api';
import { checkScreen, checksEveryScreen, DESKTOP, ensureChromium, launch, PHONE, shoot } from './support/browser';
import { english, russian, signer } from './support/session';

/**
 * The screens of issue 8 in a real browser: the administrator's organizations, calendars, plan SLA
 * and people (a deactivated person cannot sign in); timesheets submitted and approved; a custom
 * report period in the address; a requester's rating of a resolved request.
 */
describe('administration, timesheets, reports and ratings in a real browser', () => {
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

  const signIn = (email: string, password?: string, path?: string) => signer(browser, app.url, errors, contexts).signIn(email, password, path);

  it('lets the admin create an organization and edit its contract', async () => {
    admin = await signIn('admin@demo.test', undefined, '/admin');
    await admin.waitForURL(/\/admin\/organizations$/);
    const name = `Client D Pharmacy ${stamp}`;
    await admin.getByLabel('Organization').fill(name);
    await admin.getByLabel('Domains').fill(`pharmacy-${stamp}.test`);
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.getByTestId('organizations').getByRole('link', { name }).click();
    await admin.waitForURL(/\/admin\/organizations\/[0-9a-f-]{36}$/);
    await admin.getByLabel('Contract starts').fill('2026-02-01');
    // The organization's own form (its page also has the single sign-on and directory forms).
    await admin.locator('form', { has: admin.getByLabel('Contract starts') }).getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByText('Saved.').first().waitFor();
    await checkScreen(admin, '21-admin-organization');
    await admin.reload();
    await expect.poll(() => admin.getByLabel('Contract starts').inputValue()).toBe('2026-02-01');
    await admin.getByRole('link', { name: /Organizations/ }).first().click();
    await admin.getByTestId('organizations').getByRole('link', { name }).waitFor();
    await checkScreen(admin, '20-admin-organizations');
  }, 90_000);

  let calendarName = '';
  it('lets the admin create a calendar with a holiday', async () => {
    await admin.goto('/admin/calendars');
    calendarName = `Pharmacy hours ${stamp}`;
    await admin.getByRole('textbox', { name: /^Name/ }).fill(calendarName);
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.waitForURL(/\/admin\/calendars\/[0-9a-f-]{36}$/);
    const holidays = admin.getByTestId('holidays');
    await holidays.getByRole('textbox', { name: 'Date' }).fill('2026-03-09');
    await holidays.getByRole('button', { name: /Add the date/ }).click();
    await holidays.locator('[data-date="2026-03-09"]').waitFor();
    // Saturday mornings too.
    await admin.getByRole('button', { name: 'Add hours to Saturday' }).click();
    await admin.getByLabel('Saturday: end of interval 1').fill('13:00');
    await admin.getByTestId('calendar-form').getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByText('Saved.').first().waitFor();
    await checkScreen(admin, '22-admin-calendar');
    await admin.reload();
    await admin.getByTestId('holidays').locator('[data-date="2026-03-09"]').waitFor();
    await expect.poll(() => admin.getByLabel('Saturday: end of interval 1').inputValue()).toBe('13:00');
    await admin.goto('/admin/calendars');
    await admin.getByTestId('calendars').getByRole('link', { name: calendarName }).waitFor();
    await checkScreen(admin, '23-admin-calendars');
  }, 90_000);

  it("lets the admin set a plan's SLA target", async () => {
    await admin.goto('/admin/plans');
    await checkScreen(admin, '24-admin-plans');
    await admin.getByTestId('plans').getByRole('link', { name: 'Minimized' }).click();
    await admin.waitForURL(/\/admin\/plans\/([0-9a-f-]{36})$/);
    const planId = admin.url().split('/').pop()!;
    const sla = admin.getByTestId('plan-sla');
    const p1 = sla.getByLabel('P1 · Any type: First response');
    await p1.fill('25');
    // One Save for the whole plan: its terms and its SLA.
    expect(await admin.getByRole('button', { name: 'Save', exact: true }).count()).toBe(1);
    await admin.getByTestId('plan-form').getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByText('Saved.').first().waitFor();
    const saved = await (await admin.request.get(`/api/v1/plans/${planId}/sla`)).json();
    expect(saved.policies.find((p: { priority: string; ticketType: string }) => p.priority === 'P1' && p.ticketType === '*').firstResponseMinutes).toBe(25);
    await checkScreen(admin, '25-admin-plan-sla');
  }, 60_000);

  it('lets the admin deactivate a person, who can then no longer sign in', async () => {
    const email = `temp-${stamp}@demo.test`;
    await admin.goto('/admin/people');
    await admin.getByRole('textbox', { name: /^E-mail/ }).fill(email);
    await admin.getByRole('textbox', { name: /^Name/ }).fill('Tina Temporary');
    await admin.getByLabel(/^Password/).fill('tinas-passphrase');
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.getByText('Added.').first().waitFor();
    // She can sign in at first.
    const tina = await signIn(email, 'tinas-passphrase');
    await tina.waitForURL(/\/queues\/mine$/);
    await tina.context().close();

    await admin.getByLabel('Search by name or e-mail').fill('tina');
    await admin.waitForURL(/q=tina/);
    await checkScreen(admin, '26-admin-people');
    await admin.getByTestId('people').getByRole('link', { name: 'Tina Temporary' }).click();
    await admin.waitForURL(/\/admin\/people\/[0-9a-f-]{36}$/);
    await admin.getByRole('combobox', { name: 'Skills' }).fill('printers');
    await admin.keyboard.press('Enter');
    await admin.getByTestId('person-form').getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByText('Saved.').first().waitFor();
    await admin.getByRole('button', { name: 'Deactivate' }).click();
    await admin.getByRole('button', { name: 'Yes, deactivate' }).click();
    await admin.getByRole('button', { name: 'Reactivate' }).waitFor();
    await checkScreen(admin, '27-admin-person');

    const screen = await signer(browser, app.url, errors, contexts).signInScreen();
    await screen.getByLabel('E-mail').fill(email);
    await screen.getByLabel(/^Password/).fill('tinas-passphrase');
    await screen.getByRole('button', { name: 'Sign in' }).click();
    await screen.getByRole('alert').filter({ hasText: 'Wrong e-mail or password.' }).waitFor();
    expect(new URL(screen.url()).pathname).toBe('/sign-in');
  }, 90_000);

  it('shows the other admin screens, the SMS gateways and the telephone among them', async () => {
    for (const [path, name, ready] of [
      ['/admin/categories', '28-admin-categories', 'categories'],
      ['/admin/groups', '29-admin-groups', null],
      ['/admin/mailboxes', '30-admin-mailboxes', null],
      ['/admin/quarantine', '31-admin-quarantine', 'quarantine'],
      ['/admin/dead-letters', '32-admin-dead-letters', 'dead-letters'],
      ['/admin/sms-gateways', '33-admin-sms-gateways', 'sms-gateways'],
    ] as const) {
      await admin.goto(path);
      if (ready) await admin.getByTestId(ready).waitFor();
      else await admin.getByRole('heading', { name: 'Administration' }).waitFor();
      await admin.waitForLoadState('networkidle');
      await checkScreen(admin, name);
    }
    await admin.getByRole('link', { name: /Telephone \(PBX\)/ }).waitFor();
    // Groups: a new team with a member.
    await admin.goto('/admin/groups');
    await admin.getByRole('textbox', { name: /^Name/ }).first().fill(`Printers ${stamp}`);
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.getByTestId(`group-Printers ${stamp}`).waitFor();
  }, 90_000);

  it('shows the admin lists on a phone as cards, in Russian: nothing scrolls sideways, every name whole', async () => {
    // A webhook with a long address and several events: the widest values of any admin list.
    const api = await apiAs(app.url, 'admin@demo.test');
    const hook = await api('POST', '/webhooks', { name: `Учётная система ${stamp}`, url: `https://erp.client-a.test/api/integrations/tierdesk/webhooks/${stamp}`, events: ['change.planned', 'change.approved', 'change.rejected'], active: false });
    expect(hook.status).toBe(201);
    await admin.goto('/admin/organizations');
    await russian(admin);
    try {
      for (const [path, testId] of [
        ['/admin/organizations', 'organizations'],
        ['/admin/people', 'people'],
        ['/admin/plans', 'plans'],
        ['/admin/calendars', 'calendars'],
        ['/admin/categories', 'categories'],
        ['/admin/mailboxes', 'mailboxes'],
        ['/admin/webhooks', 'webhooks'],
      ] as const) {
        const list = admin.getByTestId(testId);
        // At 1280×800 the table as it was: a header row, the columns' names.
        await admin.setViewportSize(DESKTOP);
        await admin.goto(path);
        await list.locator('tbody tr').first().waitFor();
        const headers = (await list.getByRole('columnheader').allInnerTexts()).map((h) => h.trim());
        const rows = await list.locator('tbody tr').count();
        expect(await list.getByRole('row').count(), testId).toBe(rows + 1);
        // On a phone each row is a card (still a row of cells), its title the first column's value.
        await admin.setViewportSize(PHONE);
        await list.locator('.data-cards-label').first().waitFor();
        expect(await list.getByRole('row').count(), testId).toBe(rows);
        expect(await list.getByRole('columnheader').count(), testId).toBe(0);
        // Every other column's name in every card, whole: the card's names are the table's headers.
        const labels = (await list.locator('tbody tr').first().locator('.data-cards-label').allInnerTexts()).map((l) => l.trim());
        expect(labels, testId).toEqual(headers.slice(1).filter((h) => h !== ''));
        expect(await cardProblems(admin, testId), testId).toEqual([]);
        await shoot(admin, `39-admin-${testId}-ru`);
      }
      // The names read in Russian.
      await admin.getByTestId('webhooks').locator('.data-cards-label', { hasText: 'Последняя доставка' }).first().waitFor();
    } finally {
      await admin.setViewportSize(DESKTOP);
      await english(admin);
      await api('DELETE', `/webhooks/${hook.body.id}`);
    }
  }, 120_000);

  it("lets an agent submit the week's timesheet and the manager approve it", async () => {
    const l1 = await signIn('l1@demo.test', undefined, '/timesheets');
    await l1.getByTestId('timesheet').waitFor();
    await l1.getByRole('button', { name: 'Submit for approval' }).click();
    await l1.getByTestId('timesheet-status').filter({ hasText: 'Submitted' }).waitFor();
    await checkScreen(l1, '34-timesheet-agent');

    const manager = await signIn('manager@demo.test', undefined, '/timesheets');
    await manager.getByTestId('timesheets-waiting').getByRole('link', { name: 'Lena L1' }).click();
    await manager.waitForURL(/agent=.*week=/);
    await manager.getByTestId('timesheet').getByRole('heading', { name: 'Lena L1' }).waitFor();
    await manager.getByRole('button', { name: 'Approve and lock' }).click();
    await manager.getByTestId('timesheet-status').filter({ hasText: 'Approved and locked' }).waitFor();
    await checkScreen(manager, '35-timesheet-manager');
    await l1.reload();
    await l1.getByTestId('timesheet-status').filter({ hasText: 'Approved and locked' }).waitFor();

    await manager.goto('/rosters');
    await manager.getByTestId('rosters').getByRole('button', { name: 'Edit: Lena L1' }).click();
    await manager.waitForURL(/\/rosters\?agent=/);
    await manager.getByTestId('roster-form').waitFor();
    await checkScreen(manager, '36-rosters');
  }, 90_000);

  it('keeps a custom report period in the address', async () => {
    const manager = await signIn('manager@demo.test', undefined, '/reports?period=custom&from=2026-01-05&to=2026-02-20');
    await manager.getByTestId('report-period').filter({ hasText: '2026-01-05 – 2026-02-20' }).waitFor();
    await expect.poll(() => manager.getByLabel('From', { exact: true }).inputValue()).toBe('2026-01-05');
    await checkScreen(manager, '37-reports-custom');
    // Choosing the custom period from a month view names both ends in the address.
    await manager.goto('/reports?period=month');
    await manager.getByRole('heading', { name: 'Requests over time' }).waitFor();
    await manager.locator('.mantine-SegmentedControl-label', { hasText: 'Custom' }).click();
    await manager.waitForURL(/period=custom&.*from=\d{4}-\d{2}-\d{2}.*to=\d{4}-\d{2}-\d{2}|period=custom.*to=.*from=/);
    await manager.reload();
    await manager.getByTestId('report-period').waitFor();
    expect(new URL(manager.url()).searchParams.get('period')).toBe('custom');
  }, 60_000);

  it('lets a requester rate her resolved request', async () => {
    const bob = await signIn('bob@client-b.test');
    await bob.waitForURL(/\/requests$/);
    // Any of her resolved requests.
    await bob.getByTestId('ticket-table').locator('tr', { has: bob.locator('[data-status=resolved]') }).first().getByRole('link').first().click();
    await bob.waitForURL(/\/tickets\/TD-\d+$/);
    const panel = bob.getByTestId('satisfaction');
    await panel.waitFor();
    await panel.locator('.mantine-SegmentedControl-label', { hasText: /^4$/ }).click();
    await panel.getByLabel('Comment (optional)').fill('Quick and friendly, thank you.');
    await checkScreen(bob, '38-portal-rating');
    await panel.getByRole('button', { name: 'Send the rating' }).click();
    await panel.getByText('Your rating: 4 of 5').waitFor();
    await bob.reload();
    await bob.getByTestId('satisfaction').getByText('Your rating: 4 of 5').waitFor();
    await bob.getByText('Quick and friendly, thank you.').waitFor();
  }, 60_000);

  checksEveryScreen(errors);
});

/**
 * What is wrong with a list's cards at the window's size: the page or a box around the list wider
 * than the window, an element sticking out of its card, a column's name cut short.
 */
function cardProblems(page: Page, testId: string) {
  // A string, evaluated in the page (this file is type-checked for Node, without the DOM's types).
  return page.evaluate<string[]>(`(() => {
    const out = [];
    const name = (e) => e.tagName + '.' + String(e.className).slice(0, 40) + ' "' + e.textContent.trim().slice(0, 30) + '"';
    if (document.documentElement.scrollWidth > window.innerWidth) out.push('the page is ' + document.documentElement.scrollWidth + 'px wide');
    const list = document.querySelector('[data-testid="${testId}"]');
    for (let e = list; e && e !== document.body; e = e.parentElement)
      if (e.scrollWidth > e.clientWidth) out.push('scrolls sideways: ' + name(e) + ' ' + e.scrollWidth + ' > ' + e.clientWidth);
    for (const card of list.querySelectorAll('tbody tr')) {
      const box = card.getBoundingClientRect();
      for (const e of card.querySelectorAll('*')) {
        const r = e.getBoundingClientRect();
        if (r.width && (r.right > box.right + 0.5 || r.left < box.left - 0.5)) out.push('sticks out of its card: ' + name(e));
      }
      for (const label of card.querySelectorAll('.data-cards-label'))
        if (label.scrollWidth > label.clientWidth || label.scrollHeight > label.clientHeight || !label.textContent.trim()) out.push('name cut short: ' + name(label));
    }
    return out;
  })()`);
}
