import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { Invalid, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext, Db } from '../db.js';
import { assertAdmin, assertStaff, type Actor } from '../identity/index.js';
import { addBusinessMinutes, businessMinutesBetween, validateCalendarSpec, type CalendarSpec } from './business-time.js';
import * as repo from './calendars.repo.js';

/** A calendar as created or fully replaced. */
export interface CalendarInput extends CalendarSpec {
  name: string;
}

/** A stored calendar: its spec as given, with its identity and timestamps. */
export interface Calendar extends Required<CalendarInput> {
  id: string;
  createdAt: string;
  updatedAt: string;
}

// The longest range a business-minutes preview walks (day by day): a bound on one request's work.
const MAX_PREVIEW_YEARS = 10;

function toCalendar(r: repo.CalendarRow): Calendar {
  return {
    id: r.id,
    name: r.name,
    timeZone: r.time_zone,
    alwaysOpen: r.always_open === 1,
    week: JSON.parse(r.week) as Calendar['week'],
    holidays: JSON.parse(r.holidays) as string[],
    workingDays: JSON.parse(r.working_days) as string[],
    specialDays: JSON.parse(r.special_days) as Calendar['specialDays'],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const specOf = (c: Calendar): CalendarSpec => ({
  timeZone: c.timeZone,
  alwaysOpen: c.alwaysOpen,
  week: c.week,
  holidays: c.holidays,
  workingDays: c.workingDays,
  specialDays: c.specialDays,
});

/** The columns a calendar input is stored in; checks it first (400 naming the wrong field). */
function columnsOf(input: CalendarInput) {
  validateCalendarSpec(input);
  return {
    name: input.name,
    time_zone: input.timeZone,
    always_open: input.alwaysOpen ? 1 : 0,
    week: JSON.stringify(input.week ?? {}),
    holidays: JSON.stringify(input.holidays ?? []),
    working_days: JSON.stringify(input.workingDays ?? []),
    special_days: JSON.stringify(input.specialDays ?? {}),
  };
}

async function load(db: Db, id: string): Promise<Calendar> {
  const row = await repo.findCalendar(db, id);
  if (!row) throw new NotFound('Calendar');
  return toCalendar(row);
}

/**
 * The spec last made of each calendar's stored rules, kept while the row says the same: the SLA
 * engine reads a calendar at every request made, and parsing it and finding its compiled form
 * through its JSON text cost more than the read (a spec is an immutable value; see business-time).
 */
const specs = new Map<string, { rules: string; spec: CalendarSpec }>();
const MAX_SPECS = 256;

/** The working-time rules of a calendar, for the SLA engine; NotFound when there is no such calendar. */
export async function getCalendarSpec(db: Db, id: string): Promise<CalendarSpec> {
  const row = await repo.findCalendar(db, id);
  if (!row) throw new NotFound('Calendar');
  const rules = [row.time_zone, row.always_open, row.week, row.holidays, row.working_days, row.special_days].join('\u0000');
  const kept = specs.get(id);
  if (kept?.rules === rules) return kept.spec;
  const spec = specOf(toCalendar(row));
  if (!kept && specs.size >= MAX_SPECS) specs.delete(specs.keys().next().value!);
  specs.set(id, { rules, spec });
  return spec;
}

export async function listCalendars(app: AppContext, actor: Actor): Promise<Calendar[]> {
  assertStaff(actor);
  return (await repo.listCalendars(app.db)).map(toCalendar);
}

export async function getCalendar(app: AppContext, actor: Actor, id: string): Promise<Calendar> {
  assertStaff(actor);
  return load(app.db, id);
}

export async function createCalendar(app: AppContext, actor: Actor, input: CalendarInput): Promise<Calendar> {
  assertAdmin(actor);
  const id = newId();
  const now = app.clock.now().toISOString();
  const columns = columnsOf(input);
  await inTransaction(app.db, async (trx) => {
    await repo.insertCalendar(trx, { id, ...columns, created_at: now, updated_at: now });
    await recordAudit(trx, { entityType: 'calendar', entityId: id, actorId: actor.id, action: 'created', after: { ...input } });
  });
  return load(app.db, id);
}

/** Replaces a calendar whole: fields left out get their defaults (no hours, no dates). */
export async function replaceCalendar(app: AppContext, actor: Actor, id: string, input: CalendarInput): Promise<Calendar> {
  assertAdmin(actor);
  const columns = columnsOf(input);
  await inTransaction(app.db, async (trx) => {
    const before = await load(trx, id);
    await repo.updateCalendar(trx, id, { ...columns, updated_at: app.clock.now().toISOString() });
    const { createdAt: _c, updatedAt: _u, id: _id, ...was } = before;
    await recordAudit(trx, { entityType: 'calendar', entityId: id, actorId: actor.id, action: 'updated', before: was, after: { ...input } });
  });
  return load(app.db, id);
}

/** Preview: when `minutes` business minutes after `start` are used up in this calendar. */
export async function previewDeadline(app: AppContext, actor: Actor, id: string, start: Date, minutes: number): Promise<Date> {
  assertStaff(actor);
  return addBusinessMinutes(await getCalendarSpec(app.db, id), start, minutes);
}

/** Preview: the business minutes between two instants in this calendar. */
export async function previewBusinessMinutes(app: AppContext, actor: Actor, id: string, from: Date, to: Date): Promise<number> {
  assertStaff(actor);
  const spec = await getCalendarSpec(app.db, id);
  const limit = new Date(from);
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_PREVIEW_YEARS);
  if (to > limit) throw new Invalid(`to: must be at most ${MAX_PREVIEW_YEARS} years after from`, 'to');
  return businessMinutesBetween(spec, from, to);
}
