import type { AppContext, Db } from '../../db.js';
import { findOrganization, findPlan, findUserByEmail, findUsersByPhone, isStaff, toActor, type UserRow } from '../../identity/index.js';
import { localTime } from '../../timetracking/index.js';
import { toE164 } from '../../../core/phone.js';

/** The people with this number, client-side people first (a number is theirs before it is an agent's). */
export async function peopleWithNumber(db: Db, e164: string): Promise<UserRow[]> {
  const people = await findUsersByPhone(db, e164);
  return [...people.filter((u) => u.organization_id), ...people.filter((u) => !u.organization_id)];
}

/** The client-side person a number belongs to, if any. */
export async function callerOf(db: Db, e164: string | null): Promise<UserRow | undefined> {
  if (!e164) return undefined;
  return (await peopleWithNumber(db, e164)).find((u) => u.organization_id && !isStaff(toActor(u)));
}

/** The member of the staff the PBX names: by e-mail, or by their phone number; undefined if nobody is. */
export async function agentOf(app: AppContext, ref: string | undefined): Promise<UserRow | undefined> {
  if (!ref) return undefined;
  const staff = (u: UserRow | undefined) => (u && u.active && isStaff(toActor(u)) ? u : undefined);
  if (ref.includes('@')) return staff(await findUserByEmail(app.db, ref));
  const e164 = toE164(ref, app.config.phoneRegion);
  if (!e164) return undefined;
  for (const u of await findUsersByPhone(app.db, e164)) if (staff(u)) return u;
  return undefined;
}

/** An organization's plan and whether its contract is in force today (in the provider's time zone). */
export async function contractOf(app: AppContext, db: Db, organizationId: string) {
  const org = await findOrganization(db, organizationId);
  if (!org) return undefined;
  const plan = org.plan_id ? await findPlan(db, org.plan_id) : undefined;
  const today = localTime.localDateOf(app.clock.now(), app.config.providerTimeZone);
  const inForce =
    !!plan && (!org.contract_starts_on || org.contract_starts_on <= today) && (!org.contract_ends_on || today <= org.contract_ends_on);
  const channels = plan ? (JSON.parse(plan.channels) as string[]) : [];
  return { org, plan, inForce, phoneSupport: channels.includes('phone') };
}
