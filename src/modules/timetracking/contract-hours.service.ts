import { Forbidden, NotFound } from '../../core/errors.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import type { AppContext, Db } from '../db.js';
import { findOrganization, isStaff, listActiveByRole, type Actor, type Locale } from '../identity/index.js';
import { contractHoursMessage } from './contract-hours.messages.js';
import { monthBounds, monthOf } from './local-time.js';
import * as repo from './work.repo.js';

/** The shares of the included hours at which the manager and the client's IT manager are warned. */
export const WARNING_LEVELS = [80, 100] as const;

/** Who may read an organization's contract hours: staff, and the organization's own IT manager. */
function assertMaySeeContract(actor: Actor, organizationId: string) {
  if (isStaff(actor)) return;
  if (actor.role !== 'client_manager') throw new Forbidden("Only staff and the client's IT manager see contract hours");
  if (actor.organizationId !== organizationId) throw new NotFound('Organization');
}

async function planOf(db: Db, organizationId: string) {
  const org = await findOrganization(db, organizationId);
  if (!org) return undefined;
  const plan = org.plan_id ? await db.selectFrom('plans').select(['id', 'name', 'included_hours']).where('id', '=', org.plan_id).executeTakeFirst() : undefined;
  return { org, plan };
}

/**
 * An organization's hours in a month (local to the provider): billable hours used against the
 * plan's included hours, the overage, and the warnings sent. Flagged entries are not counted.
 */
export async function contractHours(app: AppContext, actor: Actor, organizationId: string, month?: string) {
  assertMaySeeContract(actor, organizationId);
  const found = await planOf(app.db, organizationId);
  if (!found) throw new NotFound('Organization');
  const timeZone = app.config.providerTimeZone;
  const m = month ?? monthOf(app.clock.now(), timeZone);
  const { from, to } = monthBounds(m, timeZone);
  const [minutes, warnings] = await Promise.all([repo.organizationMinutes(app.db, organizationId, from, to), repo.listWarnings(app.db, organizationId, m)]);
  const included = found.plan?.included_hours ?? 0;
  return {
    organization: found.org,
    plan: found.plan ?? null,
    month: m,
    timeZone,
    from,
    to,
    includedMinutes: included * 60,
    billableMinutes: minutes.billable,
    nonBillableMinutes: minutes.total - minutes.billable,
    warnings,
  };
}

/**
 * After billable work was recorded at `at` (in the caller's transaction): warns the service desk
 * managers and the organization's IT managers, each in their language, when the month's billable
 * hours reach 80 % or 100 % of the plan's included hours — once per level and month (the warning
 * row's key makes sure of it, also under concurrent writers). Passing both levels at once sends
 * the 100 % warning only. A plan without included hours warns no one.
 */
export async function checkContractHours(app: AppContext, trx: Db, organizationId: string, at: string) {
  const found = await planOf(trx, organizationId);
  const included = found?.plan?.included_hours ?? 0;
  if (!found?.plan || included <= 0) return;
  const timeZone = app.config.providerTimeZone;
  const month = monthOf(at, timeZone);
  const { from, to } = monthBounds(month, timeZone);
  const used = (await repo.organizationMinutes(trx, organizationId, from, to)).billable;
  const now = app.clock.now().toISOString();
  const reached = WARNING_LEVELS.filter((level) => used * 100 >= level * included * 60);
  const fresh: (80 | 100)[] = [];
  for (const level of reached)
    if (await repo.insertWarning(trx, { organization_id: organizationId, month, level, used_minutes: used, included_hours: included, sent_at: now })) fresh.push(level);
  const level = fresh.at(-1);
  if (!level) return;
  const managers = await listActiveByRole(trx, 'manager');
  const clientManagers = (await listActiveByRole(trx, 'client_manager')).filter((u) => u.organization_id === organizationId);
  const link = `${app.config.publicUrl}/organizations/${organizationId}/contract-hours?month=${month}`;
  for (const u of [...managers, ...clientManagers]) {
    const message = contractHoursMessage(u.locale as Locale, {
      organization: found.org.name,
      plan: found.plan.name,
      month,
      level,
      usedMinutes: used,
      includedHours: included,
      link,
    });
    await enqueueMail(trx, { to: u.email, ...message });
  }
}
