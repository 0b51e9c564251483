import { Temporal } from 'temporal-polyfill';
import type { AppContext } from '../db.js';
import { findOrganizationOnce, findUsersOnce, isManager, type Actor } from '../identity/index.js';
import { localDateOf, mondayOf, startOfLocalDate } from './local-time.js';
import { assertMayTrackTime } from './work.policy.js';
import * as repo from './work.repo.js';

export type TotalsUnit = 'day' | 'week' | 'month' | 'year';

/** The local dates [start, end] of the day, week (from Monday), month or year holding `date`. */
export function periodOf(unit: TotalsUnit, date: string): { start: string; end: string } {
  const d = Temporal.PlainDate.from(date);
  const first = unit === 'day' ? d : unit === 'week' ? Temporal.PlainDate.from(mondayOf(date)) : unit === 'month' ? d.with({ day: 1 }) : d.with({ month: 1, day: 1 });
  const next = first.add(unit === 'day' ? { days: 1 } : unit === 'week' ? { weeks: 1 } : unit === 'month' ? { months: 1 } : { years: 1 });
  return { start: first.toString(), end: next.subtract({ days: 1 }).toString() };
}

/**
 * The minutes logged (billable among them) over a day, week, month or year, per agent and per
 * organization: every agent's for a manager, an agent's own otherwise. Flagged entries wait for
 * their duration to be confirmed and are not counted, as in the reports.
 */
export async function timeTotals(app: AppContext, actor: Actor, q: { unit: TotalsUnit; date?: string; timeZone?: string }) {
  assertMayTrackTime(actor);
  const timeZone = q.timeZone ?? app.config.providerTimeZone;
  const date = q.date ?? localDateOf(app.clock.now(), timeZone);
  const { start, end } = periodOf(q.unit, date);
  const from = startOfLocalDate(start, timeZone);
  const to = startOfLocalDate(Temporal.PlainDate.from(end).add({ days: 1 }).toString(), timeZone);
  const totals = await repo.workTotals(app.db, from, to, isManager(actor) ? {} : { agentIds: [actor.id] });
  const people = await findUsersOnce(app.db, totals.byAgent.map((a) => a.key));
  const organizations = await Promise.all(totals.byOrganization.map((o) => findOrganizationOnce(app.db, o.key)));
  const row = (id: string, name: string, t: { minutes: number; billable: number }) => ({ id, name, minutes: t.minutes, billableMinutes: t.billable });
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return {
    unit: q.unit,
    date,
    start,
    end,
    timeZone,
    total: { minutes: totals.byAgent.reduce((n, a) => n + a.minutes, 0), billableMinutes: totals.byAgent.reduce((n, a) => n + a.billable, 0) },
    agents: totals.byAgent.map((a) => row(a.key, people.get(a.key)?.name ?? '', a)).sort(byName),
    organizations: totals.byOrganization.map((o, i) => row(o.key, organizations[i]?.name ?? '', o)).sort(byName),
  };
}
