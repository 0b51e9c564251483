import type { z } from 'zod';
import type { Workload } from '../../contracts/reports.js';
import type { AppContext } from '../db.js';
import type { Actor } from '../identity/index.js';
import { lineWork, localTime } from '../timetracking/index.js';
import { assertMayPlanStaff } from './reports.policy.js';
import * as repo from './reports.repo.js';
import { coverage, shiftIntervals, type RosterWeek } from './roster.js';
import { agentLoads } from './sources.repo.js';

const HOUR = 3_600_000;
const LINES = ['L1', 'L2', 'L3'] as const;
/** How far back the handling time is measured. */
const AHT_WEEKS = 8;
const round = (v: number) => Math.round(v * 100) / 100;

/**
 * Each agent's open requests against what they can handle: per hour on shift over the next 24 hours,
 * against the requests an hour their line gets through (from the time tracker). For the manager.
 */
export async function workload(app: AppContext, actor: Actor): Promise<z.infer<typeof Workload>> {
  assertMayPlanStaff(actor);
  const now = app.clock.now().getTime();
  const [from, to] = [now, now + 24 * HOUR];
  const since = new Date(now - AHT_WEEKS * 7 * 24 * HOUR).toISOString();
  const aht = { L1: null, L2: null, L3: null } as Record<(typeof LINES)[number], number | null>;
  for (const line of LINES) {
    const w = await lineWork(app.db, line, since, new Date(to).toISOString());
    aht[line] = w.requests ? round(w.minutes / w.requests) : null;
  }
  const rosters = new Map((await repo.listRosters(app.db)).map((r) => [r.user_id, JSON.parse(r.week) as RosterWeek]));
  const items = (await agentLoads(app.db)).map((a) => {
    const week = rosters.get(a.id);
    let shiftHours: number | null = null;
    if (week) {
      const today = localTime.localDateOf(new Date(now), a.time_zone);
      // A day either side of today in the agent's zone covers every shift reaching into the 24 hours.
      const shifts = shiftIntervals(week, a.time_zone, localTime.addDays(today, -1), localTime.addDays(today, 1));
      shiftHours = round(coverage(shifts, from, to) * 24);
    }
    const lineAht = a.line ? aht[a.line] : null;
    const perShiftHour = shiftHours ? round(a.open / shiftHours) : null;
    const capacityPerHour = lineAht ? round(60 / lineAht) : null;
    return {
      id: a.id,
      name: a.name,
      line: a.line,
      availability: a.availability,
      open: a.open,
      urgent: a.urgent,
      shiftHours,
      perShiftHour,
      capacityPerHour,
      over: perShiftHour !== null && capacityPerHour !== null && perShiftHour > capacityPerHour,
    };
  });
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), ahtMinutes: aht, items };
}
