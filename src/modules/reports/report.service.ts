import type { z } from 'zod';
import type { ReportFilter, ReportT } from '../../contracts/reports.js';
import { Invalid, NotFound } from '../../core/errors.js';
import type { AppContext, Db } from '../db.js';
import { callFigures } from '../channels/phone/index.js';
import type { Actor, Locale } from '../identity/index.js';
import { workTotals, type WorkScope } from '../timetracking/index.js';
import { datesOf, monthOverlaps, resolvePeriod, type BucketUnit, type Period, type PeriodKind } from './period.js';
import { reportOrganization } from './reports.policy.js';
import { text } from './reports.messages.js';
import * as repo from './reports.repo.js';
import { FLOW_KINDS } from './reports.tables.js';
import { rosterHours } from './roster.js';
import * as sources from './sources.repo.js';

export interface ReportInput extends z.infer<typeof ReportFilter> {
  period: PeriodKind;
  date?: string;
  from?: string;
  to?: string;
  timeZone?: string;
  bucket?: BucketUnit;
  by?: repo.Dimension;
}

/** The share of requests to be solved at L1 (the process's goal). */
export const L1_GOAL_PCT = 90;
/** A working week's hours, where a person has no roster: eight a weekday. */
const STANDARD_DAY_HOURS = 8;

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const orNull = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? null : round(v, digits));
const pct = (part: number, whole: number) => (whole > 0 ? round((part / whole) * 100, 1) : null);
const hours = (minutes: number) => round(minutes / 60);

/** A report the actor may read: their own organization's if they are a client IT manager. */
export async function reportFor(app: AppContext, actor: Actor, input: ReportInput) {
  const organizationId = reportOrganization(actor, input);
  return buildReport(app, app.db, { ...input, organizationId }, { client: actor.role === 'client_manager', locale: actor.locale });
}

/** The categories at and below one (a report on "Workplace" counts its printers too). */
function categoryAndBelow(all: { id: string; parent_id: string | null }[], id: string) {
  const ids = new Set([id]);
  let size = 0;
  while (size !== ids.size) {
    size = ids.size;
    for (const c of all) if (c.parent_id && ids.has(c.parent_id)) ids.add(c.id);
  }
  return [...ids];
}

/**
 * Works out every figure of a report over the read model, in `db` (a timer's transaction, for the
 * scheduled e-mails). Counts are of happenings in the period (received, resolved, escalated…);
 * times, SLA compliance, lines and ratings are of the requests responded to or resolved in it.
 */
export async function buildReport(app: AppContext, db: Db, input: ReportInput, opts: { client: boolean; locale: Locale }): Promise<ReportT> {
  const t = text(opts.locale);
  const period = resolvePeriod({ ...input, timeZone: input.timeZone ?? app.config.providerTimeZone }, app.clock.now());
  const names = await sources.names(db);
  const known = <T extends { id: string }>(rows: T[], id: string | undefined, field: string) => {
    if (id && !rows.some((r) => r.id === id)) throw new Invalid(`No such ${field.replace(/Id$/, '')}`, field);
  };
  if (input.organizationId && !names.organizations.some((o) => o.id === input.organizationId)) throw new NotFound('Organization');
  known(names.plans, input.planId, 'planId');
  known(names.groups, input.groupId, 'groupId');
  known(names.users, input.agentId, 'agentId');
  known(names.categories, input.categoryId, 'categoryId');
  const f: repo.RequestFilter = {
    organizationIds: input.organizationId ? [input.organizationId] : undefined,
    planId: input.planId,
    line: input.line,
    groupId: input.groupId,
    assigneeId: input.agentId,
    categoryIds: input.categoryId ? categoryAndBelow(names.categories, input.categoryId) : undefined,
    channel: input.channel,
    type: input.type,
  };

  const whole = { lo: Date.parse(period.from), hi: Date.parse(period.to) };
  const perBucket = await repo.flowPerRange(db, period.buckets.map((b) => ({ lo: Date.parse(b.from), hi: Date.parse(b.to) })), FLOW_KINDS, f);
  const before = await repo.flowBefore(db, whole.lo, ['received', 'resolved', 'closed_unresolved', 'reopened'], f);
  const sum = (k: (typeof FLOW_KINDS)[number]) => perBucket.reduce((n, b) => n + b[k], 0);
  let backlog = before.received + before.reopened - before.resolved - before.closed_unresolved;
  const backlogAtStart = backlog;
  const series = period.buckets.map((b, i) => {
    const c = perBucket[i]!;
    backlog += c.received + c.reopened - c.resolved - c.closed_unresolved;
    return { start: b.start, end: b.end, received: c.received, resolved: c.resolved, closed: c.closed + c.closed_unresolved, reopened: c.reopened, backlog };
  });

  const fr = await repo.responded(db, whole, f);
  const res = await repo.resolved(db, whole, f);
  const targets = (['first_response', 'resolution'] as const).flatMap((metric) => {
    const r = (metric === 'first_response' ? fr : res).priorities;
    const row = (priority: string | null, met: number, missed: number, breaches: number) => ({ metric, priority, total: met + missed, met, missed, compliancePct: pct(met, met + missed), breaches });
    const per = repo.PRIORITIES.map((p) => row(p, r[p].met, r[p].missed, r[p].breaches));
    const all = per.reduce((a, x) => ({ met: a.met + x.met, missed: a.missed + x.missed, breaches: a.breaches + x.breaches }), { met: 0, missed: 0, breaches: 0 });
    return [row(null, all.met, all.missed, all.breaches), ...per];
  });
  const resolvedCount = res.n ?? 0;
  const atL1 = res.at_l1 ?? 0;
  const rated = res.rated ?? 0;
  const anyRating = rated > 0 || (await repo.anyRating(db));
  const kb = await sources.knowledgeBaseFigures(db, whole, f);
  const requestFilters = Boolean(f.planId || f.line || f.groupId || f.assigneeId || f.categoryIds || f.channel || f.type);
  const notes = [t.notes.businessTime];
  if (requestFilters) notes.push(t.notes.deflections);
  if (!anyRating) notes.push(t.notes.noRatings);
  else if (!rated) notes.push(t.notes.noRatingsInPeriod);

  const calls = await telephone(app, db, period, input, f);
  if (!calls) notes.push(t.notes.calls);
  const time = await timeFigures(db, period, input, f, names, opts.client);
  if (time.flaggedEntries) notes.push(t.notes.flagged(time.flaggedEntries));
  notes.push(t.notes.prorated);

  return {
    period: { kind: period.kind, timeZone: period.timeZone, start: period.start, end: period.end, from: period.from, to: period.to, bucket: period.bucket },
    filter: Object.fromEntries(Object.entries({ organizationId: input.organizationId, planId: input.planId, line: input.line, groupId: input.groupId, agentId: input.agentId, categoryId: input.categoryId, channel: input.channel, type: input.type }).filter(([, v]) => v !== undefined)),
    volume: {
      received: sum('received'),
      resolved: sum('resolved'),
      closed: sum('closed') + sum('closed_unresolved'),
      reopened: sum('reopened'),
      backlogAtStart,
      backlogAtEnd: backlog,
      series,
      breakdown: input.by ? await breakdown(db, input.by, period, f, names, opts.locale) : null,
    },
    times: {
      firstResponse: { count: fr.n ?? 0, medianMinutes: orNull(fr.p50), p90Minutes: orNull(fr.p90) },
      resolution: { count: res.timed ?? 0, medianMinutes: orNull(res.p50), p90Minutes: orNull(res.p90) },
    },
    sla: { targets },
    escalations: {
      resolved: resolvedCount,
      resolvedAtL1: atL1,
      resolvedAtL1Pct: pct(atL1, resolvedCount),
      goalPct: L1_GOAL_PCT,
      goalMet: resolvedCount ? (atL1 / resolvedCount) * 100 >= L1_GOAL_PCT : null,
      byTime: sum('escalated_time'),
      byDifficulty: sum('escalated_difficulty'),
      byHand: sum('escalated_hand'),
      handedToDevelopers: sum('handed_off'),
    },
    lines: (['L1', 'L2', 'L3'] as const).map((line, i) => {
      const total = res[`l${i + 1}`] ?? 0;
      const requests = res[`n_l${i + 1}`] ?? 0;
      return { line, totalMinutes: round(total), requests, avgMinutesPerRequest: requests ? round(total / requests) : null, avgMinutesPerResolvedRequest: resolvedCount ? round(total / resolvedCount) : null };
    }),
    satisfaction: {
      available: rated > 0,
      ratings: rated,
      averageRating: rated ? orNull(res.rating) : null,
      responseRatePct: rated ? pct(rated, resolvedCount) : null,
      note: !anyRating ? t.notes.noRatings : !rated ? t.notes.noRatingsInPeriod : null,
    },
    knowledgeBase: {
      deflections: kb.deflections,
      solvedWithArticle: kb.withArticle,
      solvedWithArticlePct: pct(kb.withArticle, resolvedCount),
      resolvedAtL2L3: resolvedCount - atL1,
      resolvedAtL2L3WithoutArticle: resolvedCount - atL1 - kb.escalatedWithArticle,
      note: requestFilters ? t.notes.deflections : null,
    },
    time,
    calls,
    notes,
  };
}

/** The telephone figures: by organization and agent only, so none when another filter narrows the report. */
async function telephone(app: AppContext, db: Db, period: Period, input: ReportInput, f: repo.RequestFilter): Promise<ReportT['calls']> {
  if (f.planId || f.line || f.groupId || f.categoryIds || f.channel || f.type) return null;
  const c = await callFigures(db, app.dialect, { from: period.from, to: period.to, organizationId: input.organizationId, agentId: input.agentId });
  return {
    ...c,
    answerRatePct: orNull(c.answerRatePct, 1),
    answerMedianSeconds: orNull(c.answerMedianSeconds, 1),
    answerP90Seconds: orNull(c.answerP90Seconds, 1),
    avgTalkSeconds: orNull(c.avgTalkSeconds, 1),
    callbackMedianMinutes: orNull(c.callbackMedianMinutes, 1),
  };
}

type Names = Awaited<ReturnType<typeof sources.names>>;

async function breakdown(db: Db, by: repo.Dimension, period: Period, f: repo.RequestFilter, names: Names, locale: Locale) {
  const { counts, backlog } = await repo.flowByDimension(db, by, { lo: Date.parse(period.from), hi: Date.parse(period.to) }, f);
  const label = (key: string | null): string => {
    if (key === null) return text(locale).none;
    const named = { organization: names.organizations, plan: names.plans, group: names.groups, agent: names.users, category: names.categories }[by as string] as { id: string; name: string; name_ru?: string }[] | undefined;
    const found = named?.find((r) => r.id === key);
    return found ? (locale === 'ru' && found.name_ru ? found.name_ru : found.name) : key;
  };
  const rows = new Map<string | null, { key: string | null; label: string; received: number; resolved: number; closed: number; reopened: number; backlogAtEnd: number }>();
  const row = (key: string | null) => {
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { key, label: label(key), received: 0, resolved: 0, closed: 0, reopened: 0, backlogAtEnd: 0 }));
    return r;
  };
  for (const c of counts) {
    const r = row(c.key);
    if (c.kind === 'received' || c.kind === 'resolved' || c.kind === 'reopened') r[c.kind] += c.n;
    if (c.kind === 'closed' || c.kind === 'closed_unresolved') r.closed += c.n;
  }
  for (const b of backlog) if (b.n || rows.has(b.key)) row(b.key).backlogAtEnd = b.n;
  return { by, rows: [...rows.values()].sort((a, b) => b.received - a.received || a.label.localeCompare(b.label)) };
}

/** Hours worked and billable, per organization against its plan and per agent against capacity. */
async function timeFigures(db: Db, period: Period, input: ReportInput, f: repo.RequestFilter, names: Names, client: boolean) {
  const byRequest = f.planId || f.line || f.groupId || f.categoryIds || f.channel || f.type;
  const scope: WorkScope = {
    organizationIds: f.organizationIds,
    agentIds: input.agentId ? [input.agentId] : undefined,
    ticketIds: byRequest ? repo.requestIds({ ...f, organizationIds: undefined, assigneeId: undefined }) : undefined,
  };
  const totals = await workTotals(db, period.from, period.to, scope);
  const months = monthOverlaps(period.start, period.end);
  const orgMinutes = new Map(totals.byOrganization.map((r) => [r.key, r]));
  const orgs = names.organizations.filter((o) => (f.organizationIds ? f.organizationIds.includes(o.id) : !f.planId || o.plan_id === f.planId || orgMinutes.has(o.id)));
  const organizations = orgs.map((o) => {
    const plan = names.plans.find((p) => p.id === o.plan_id);
    const included = plan ? months.reduce((h, m) => h + (plan.included_hours * m.days) / m.daysInMonth, 0) : 0;
    const m = orgMinutes.get(o.id) ?? { minutes: 0, billable: 0 };
    return {
      organizationId: o.id,
      name: o.name,
      planId: plan?.id ?? null,
      planName: plan?.name ?? null,
      includedHours: round(included),
      billableHours: hours(m.billable),
      nonBillableHours: hours(m.minutes - m.billable),
      overageHours: round(Math.max(0, m.billable / 60 - included)),
    };
  });
  let agents = null;
  if (!client) {
    const rosters = new Map((await repo.listRosters(db)).map((r) => [r.user_id, r.week]));
    const worked = new Map(totals.byAgent.map((r) => [r.key, r]));
    const standard = datesOf(period.start, period.end).filter((d) => d.weekday <= 5).length * STANDARD_DAY_HOURS;
    const people = names.users.filter((u) => (input.agentId ? u.id === input.agentId : worked.has(u.id) || (u.role === 'agent' && u.active)));
    agents = people
      .map((u) => {
        const w = worked.get(u.id) ?? { minutes: 0, billable: 0 };
        const roster = rosters.get(u.id);
        const capacity = roster ? rosterHours(JSON.parse(roster), period.start, period.end) : standard;
        return {
          agentId: u.id,
          name: u.name,
          workedHours: hours(w.minutes),
          billableHours: hours(w.billable),
          capacityHours: round(capacity),
          utilisationPct: pct(w.minutes / 60, capacity),
          capacityFrom: roster ? ('roster' as const) : ('standard' as const),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  const worked = totals.byOrganization.reduce((n, r) => n + r.minutes, 0);
  const billable = totals.byOrganization.reduce((n, r) => n + r.billable, 0);
  return { workedHours: hours(worked), billableHours: hours(billable), flaggedEntries: totals.flagged.entries, flaggedHours: hours(totals.flagged.minutes), organizations, agents };
}
