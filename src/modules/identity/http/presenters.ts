import type { UserRow, OrganizationRow, PlanRow } from '../identity.repo.js';
import type { Actor } from '../actor.js';
import { isStaff } from '../actor.js';

const list = (json: string): string[] => JSON.parse(json) as string[];

/** A person; the client side sees staff members only by name and role. */
export function presentPerson(u: UserRow, viewer: Actor) {
  const full = isStaff(viewer) || u.organization_id === viewer.organizationId || u.id === viewer.id;
  return {
    id: u.id,
    email: full ? u.email : '',
    name: u.name,
    role: u.role,
    organizationId: u.organization_id,
    line: full ? u.line : null,
    languages: list(u.languages),
    skills: full ? list(u.skills) : [],
    locale: u.locale,
    timeZone: u.time_zone,
    phone: full ? u.phone : null,
    availability: u.availability,
    active: Boolean(u.active),
  };
}

export function presentOrganization(o: OrganizationRow & { domains: string[] }) {
  return {
    id: o.id,
    name: o.name,
    planId: o.plan_id,
    domains: o.domains,
    contractStartsOn: o.contract_starts_on,
    contractEndsOn: o.contract_ends_on,
    contractOptions: list(o.contract_options),
    unknownSenderPolicy: o.unknown_sender_policy,
  };
}

export function presentPlan(p: PlanRow) {
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    coverage: p.coverage,
    includedHours: p.included_hours,
    channels: list(p.channels),
    description: p.description,
  };
}
