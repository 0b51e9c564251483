import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, ensureChromium, launch } from './support/browser';
import { signer } from './support/session';

interface Sla {
  calendarId: string | null;
  policies: { priority: string; firstResponseMinutes: number; resolutionMinutes: number; l1BudgetMinutes: number }[];
}

/** The administrator's first plans: from the template or as a copy, each opened once added. */
describe('admin onboarding without traps', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let admin: Page;
  const stamp = Date.now().toString(36);

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

  const slaOf = async (planId: string) => (await (await admin.request.get(`/api/v1/plans/${planId}/sla`)).json()) as Sla;
  const plans = async () => ((await (await admin.request.get('/api/v1/plans')).json()) as { items: { id: string; name: string; coverage: string }[] }).items;

  /** Adds a plan in the form at /admin/plans, starting from `from`; resolves with the id of the plan page it opens. */
  async function addPlan(name: string, from: string | RegExp) {
    await admin.goto('/admin/plans');
    await admin.getByLabel('Start from').first().click();
    await admin.getByRole('option', { name: from }).click();
    await admin.getByRole('textbox', { name: /^Code/ }).fill(`p-${name.toLowerCase().replace(/\W+/g, '-')}-${stamp}`.slice(0, 40));
    await admin.getByRole('textbox', { name: /^Plan/ }).fill(name);
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.waitForURL(/\/admin\/plans\/[0-9a-f-]{36}$/);
    await admin.getByTestId('plan-sla').waitFor();
    return admin.url().split('/').pop()!;
  }

  it('a plan from the template has P1–P4 targets, 15 minutes at L1 and the calendar of a plan of its coverage', async () => {
    admin = await signer(browser, app.url, errors, contexts).signIn('admin@demo.test');
    const id = await addPlan('Office hours basic', /^The template/);
    const sla = await slaOf(id);
    expect(sla.policies.map((p) => p.priority).sort()).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(sla.policies.every((p) => p.l1BudgetMinutes === 15 && p.firstResponseMinutes > 0 && p.resolutionMinutes > p.firstResponseMinutes)).toBe(true);
    const alike = (await plans()).find((p) => p.coverage === 'business_hours' && p.id !== id)!;
    expect(sla.calendarId).toBe((await slaOf(alike.id)).calendarId);
    await admin.getByTestId('plan-sla').getByLabel('P1 · Any type: First response').waitFor();
    await checkScreen(admin, 'onboarding-01-plan-from-template');
  }, 90_000);

  it('a plan made as a copy has the same targets and calendar as its original', async () => {
    const original = (await plans()).find((p) => p.name === 'Minimized')!;
    const id = await addPlan('Minimized copy', 'A copy of Minimized');
    const [copy, source] = [await slaOf(id), await slaOf(original.id)];
    expect(copy.calendarId).toBe(source.calendarId);
    const sorted = (s: Sla) => [...s.policies].map(({ priority, firstResponseMinutes, resolutionMinutes, l1BudgetMinutes }) => ({ priority, firstResponseMinutes, resolutionMinutes, l1BudgetMinutes })).sort((a, b) => a.priority.localeCompare(b.priority));
    expect(sorted(copy)).toEqual(sorted(source));
  }, 90_000);

  it('a new agent is asked their languages and is available at once', async () => {
    const email = `agent-${stamp}@demo.test`;
    await admin.goto('/admin/people');
    await admin.getByRole('textbox', { name: /^E-mail/ }).fill(email);
    await admin.getByRole('textbox', { name: /^Name/ }).fill('Nina New');
    await admin.getByText('Requests in these languages are routed to them.').waitFor();
    await checkScreen(admin, 'onboarding-02-new-agent');
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.getByText('Added.').first().waitFor();
    const people = (await (await admin.request.get(`/api/v1/users?role=agent&limit=500`)).json()) as { items: { email: string; languages: string[]; availability: string }[] };
    expect(people.items.find((p) => p.email === email)).toMatchObject({ languages: ['ru', 'en'], availability: 'available' });
  }, 60_000);

  it('the whole journey: a calendar, a plan on it from the template, an organization on that plan, a new agent; its first request goes to that agent', async () => {
    // A calendar of its own.
    const calendarName = `Journey hours ${stamp}`;
    await admin.goto('/admin/calendars');
    await admin.getByRole('textbox', { name: /^Name/ }).fill(calendarName);
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.waitForURL(/\/admin\/calendars\/[0-9a-f-]{36}$/);
    const calendarId = admin.url().split('/').pop()!;

    // A plan from the template, its clocks on that calendar: one Save for terms and SLA.
    const planName = `Journey plan ${stamp}`;
    const planId = await addPlan(planName, /^The template/);
    expect(await admin.getByRole('button', { name: 'Save', exact: true }).count()).toBe(1);
    const form = admin.getByTestId('plan-form');
    await form.getByRole('textbox', { name: /^Contract hours a month/ }).fill('25');
    await admin.getByTestId('plan-sla').getByLabel(/^Calendar the clocks run on/).first().click();
    await admin.getByRole('option', { name: calendarName }).click();
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByText('Saved.').first().waitFor();
    expect((await slaOf(planId)).calendarId).toBe(calendarId);
    expect((await plans()).find((p) => p.id === planId)).toMatchObject({ name: planName });
    expect(((await (await admin.request.get('/api/v1/plans')).json()) as { items: { id: string; includedHours: number }[] }).items.find((p) => p.id === planId)?.includedHours).toBe(25);

    // An organization with a contract on that plan.
    const orgName = `Journey Client ${stamp}`;
    await admin.goto('/admin/organizations');
    await admin.getByRole('textbox', { name: /^Organization/ }).fill(orgName);
    await admin.getByLabel(/^Plan/).first().click();
    await admin.getByRole('option', { name: planName }).click();
    await admin.getByLabel('Domains').fill(`journey-${stamp}.test`);
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.getByTestId('organizations').getByRole('link', { name: orgName }).click();
    await admin.waitForURL(/\/admin\/organizations\/[0-9a-f-]{36}$/);
    const orgId = admin.url().split('/').pop()!;
    await admin.getByLabel('Contract starts').fill('2026-01-01');
    await admin.locator('form', { has: admin.getByLabel('Contract starts') }).getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByText('Saved.').first().waitFor();

    // A new L1 agent, and one of the organization's people to ask something.
    const agentEmail = `journey-agent-${stamp}@demo.test`;
    await admin.goto('/admin/people');
    await admin.getByRole('textbox', { name: /^E-mail/ }).fill(agentEmail);
    await admin.getByRole('textbox', { name: /^Name/ }).fill('Jules Journey');
    await admin.getByLabel(/^Password/).fill('jules-passphrase');
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.getByText('Added.').first().waitFor();
    const requesterEmail = `reza@journey-${stamp}.test`;
    await admin.getByRole('textbox', { name: /^E-mail/ }).fill(requesterEmail);
    await admin.getByRole('textbox', { name: /^Name/ }).fill('Reza Requester');
    await admin.getByLabel(/^Role/).first().click();
    await admin.getByRole('option', { name: 'Requester', exact: true }).click();
    await admin.getByLabel(/^Organization/).first().click();
    await admin.getByRole('option', { name: orgName }).click();
    await admin.getByLabel(/^Password/).fill('rezas-passphrase');
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.getByText('Added.').first().waitFor();

    // The requester asks in the portal.
    const reza = await signer(browser, app.url, errors, contexts).signIn(requesterEmail, 'rezas-passphrase');
    await reza.goto('/requests/new');
    const subject = `Journey: the scanner does not start ${stamp}`;
    await reza.getByLabel('Subject').fill(subject);
    await reza.getByLabel('Describe the problem').fill('The scanner at the front desk shows an error on start.');
    await reza.getByRole('button', { name: 'Send the request' }).click();
    await reza.waitForURL(/\/tickets\/TD-\d+$/);
    const number = reza.url().split('/').pop()!;

    // It is the organization's, on the new plan, and goes to the new agent.
    const agent = ((await (await admin.request.get(`/api/v1/users?role=agent&limit=500`)).json()) as { items: { id: string; email: string }[] }).items.find((p) => p.email === agentEmail)!;
    type Ticket = { organization: { id: string }; assignee: { id: string } | null };
    const ticket = async () => (await (await admin.request.get(`/api/v1/tickets/${number}`)).json()) as Ticket;
    await expect.poll(async () => (await ticket()).assignee?.id, { timeout: 20_000 }).toBe(agent.id);
    expect((await ticket()).organization.id).toBe(orgId);

    // The agent signs in and finds it in their queue.
    const jules = await signer(browser, app.url, errors, contexts).signIn(agentEmail, 'jules-passphrase', '/queues/mine');
    await jules.getByRole('link', { name: subject }).waitFor();
    await checkScreen(jules, 'onboarding-03-new-agent-queue');
  }, 180_000);

  it('had no console errors', () => {
    expect(errors).toEqual([]);
  });
});
