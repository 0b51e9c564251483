import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock/clock.js';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';

// Wednesday 25 November 2026, 10:00 in Moscow: working hours for every demo client.
const START = '2026-11-25T07:00:00.000Z';
/** A year of minutes: on a 5×8 calendar that is over 21 years of working time. */
const YEAR = 525_600;

/**
 * A plan setting never makes requests fail: a target or budget past the deadline search horizon is
 * refused when the plan is saved, naming the field; one that is there anyway (a calendar that lost
 * its hours later, older data) gives the clock no deadline, and the request is made.
 */
describe.each(DATABASES)('plan targets and the business-time horizon (%s)', (kind) => {
  const clock = new ManualClock(START);
  const t = useTestApp(kind, {}, { clock });

  it('refuses a budget or target the calendar cannot supply within the horizon, naming the field', async () => {
    const admin = await t.login('admin@demo.test');
    const alice = await t.login('alice@client-a.test');
    const planId = (await admin.get(`/api/v1/organizations/${(await alice.get('/api/v1/me')).body.organizationId}`)).body.planId;
    const current = (await admin.get(`/api/v1/plans/${planId}/sla`)).body;
    const policies = current.policies.map((p: any) => ({ ...p, ticketType: undefined }));
    const at = policies.findIndex((p: any) => p.priority === 'P3');
    for (const field of ['l1BudgetMinutes', 'resolutionMinutes']) {
      const r = await admin.put(`/api/v1/plans/${planId}/sla`, { ...current, policies: policies.map((p: any, i: number) => (i === at ? { ...p, [field]: YEAR } : p)) });
      expect(r.status).toBe(400);
      expect(r.body.details.map((d: any) => d.path)).toEqual([`policies.${at}.${field}`]);
    }
    // Nothing was saved.
    expect((await admin.get(`/api/v1/plans/${planId}/sla`)).body.policies).toEqual(current.policies);
  });

  it('makes the request anyway when a stored budget lies past the horizon: that clock has no deadline', async () => {
    const alice = await t.login('alice@client-a.test');
    const planId = (await (await t.login('admin@demo.test')).get(`/api/v1/organizations/${(await alice.get('/api/v1/me')).body.organizationId}`)).body.planId;
    // As an older version let it be saved.
    await t.td.app.db.updateTable('sla_policies').set({ l1_budget_minutes: YEAR }).where('plan_id', '=', planId).execute();
    const r = await alice.post('/api/v1/tickets', { subject: 'Monitor flickers', description: 'Since the morning.' });
    expect(r.status).toBe(201);
    const clocks = (await (await t.login('l1@demo.test')).get(`/api/v1/tickets/${r.body.id}/sla`)).body.clocks as any[];
    expect(clocks.find((c) => c.metric === 'line')).toMatchObject({ state: 'running', targetMinutes: YEAR, deadline: null });
    // The other clocks keep their deadlines.
    expect(clocks.find((c) => c.metric === 'first_response').deadline).toEqual(expect.any(String));
  });
});
