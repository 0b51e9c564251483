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

  it('had no console errors', () => {
    expect(errors).toEqual([]);
  });
});
