import { toE164 } from '../../core/phone.js';
import { inTransaction } from '../../core/db/connect.js';
import { Conflict, Invalid, NotFound } from '../../core/errors.js';
import { isUniqueViolation } from '../../core/db/dialect.js';
import { newId } from '../../core/ids/ids.js';
import { recordAudit } from '../../core/audit/audit.js';
import type { AppContext } from '../db.js';
import { isStaff, type Actor } from './actor.js';
import * as repo from './identity.repo.js';
import * as policy from './identity.policy.js';
import { SYSTEM_USER_ID, type Availability, type Coverage, type Line, type Locale, type Role } from './identity.tables.js';
import { hashPassword } from './password.js';
import { forgetAuthentications } from './auth.service.js';

/** Runs an insert or update and turns a unique violation into a 409 naming what is taken. */
async function unique<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`${what} is already taken`, 'already_exists');
    throw err;
  }
}

// Organizations

export interface OrganizationInput {
  name: string;
  planId?: string | null;
  domains?: string[];
  contractStartsOn?: string | null;
  contractEndsOn?: string | null;
  contractOptions?: string[];
  unknownSenderPolicy?: 'create' | 'refuse';
}

export async function listOrganizations(app: AppContext, actor: Actor) {
  const orgs = await repo.listOrganizations(app.db, policy.organizationScope(actor));
  const domains = await repo.domainsByOrganization(app.db, orgs.map((o) => o.id));
  return orgs.map((o) => ({ ...o, domains: domains.get(o.id) ?? [] }));
}

export async function getOrganization(app: AppContext, actor: Actor, id: string) {
  policy.assertMaySeeOrganization(actor, id);
  const org = await repo.findOrganization(app.db, id);
  if (!org) throw new NotFound('Organization');
  const domains = await repo.domainsByOrganization(app.db, [id]);
  return { ...org, domains: domains.get(id) ?? [] };
}

async function assertPlan(app: AppContext, planId: string | null | undefined) {
  if (planId && !(await repo.findPlan(app.db, planId))) throw new Invalid('No such plan', 'planId');
}

export async function createOrganization(app: AppContext, actor: Actor, input: OrganizationInput) {
  policy.assertAdmin(actor);
  await assertPlan(app, input.planId);
  const id = newId();
  const now = app.clock.now().toISOString();
  await unique('The organization name or one of its domains', () =>
    inTransaction(app.db, async (trx) => {
      await repo.insertOrganization(trx, {
        id,
        name: input.name,
        plan_id: input.planId ?? null,
        contract_starts_on: input.contractStartsOn ?? null,
        contract_ends_on: input.contractEndsOn ?? null,
        contract_options: JSON.stringify(input.contractOptions ?? []),
        unknown_sender_policy: input.unknownSenderPolicy ?? 'create',
        created_at: now,
        updated_at: now,
      });
      await repo.replaceDomains(trx, id, input.domains ?? []);
      await recordAudit(trx, { entityType: 'organization', entityId: id, actorId: actor.id, action: 'created', after: { ...input } });
    }),
  );
  return getOrganization(app, actor, id);
}

export async function updateOrganization(app: AppContext, actor: Actor, id: string, input: Partial<OrganizationInput>) {
  policy.assertAdmin(actor);
  const before = await getOrganization(app, actor, id);
  await assertPlan(app, input.planId);
  await unique('The organization name or one of its domains', () =>
    inTransaction(app.db, async (trx) => {
      await repo.updateOrganization(trx, id, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.planId !== undefined && { plan_id: input.planId }),
        ...(input.contractStartsOn !== undefined && { contract_starts_on: input.contractStartsOn }),
        ...(input.contractEndsOn !== undefined && { contract_ends_on: input.contractEndsOn }),
        ...(input.contractOptions !== undefined && { contract_options: JSON.stringify(input.contractOptions) }),
        ...(input.unknownSenderPolicy !== undefined && { unknown_sender_policy: input.unknownSenderPolicy }),
        updated_at: app.clock.now().toISOString(),
      });
      if (input.domains) await repo.replaceDomains(trx, id, input.domains);
      await recordAudit(trx, { entityType: 'organization', entityId: id, actorId: actor.id, action: 'updated', before, after: { ...input } });
      const planChanged = input.planId !== undefined && input.planId !== before.plan_id;
      const optionsChanged = input.contractOptions !== undefined && JSON.stringify(input.contractOptions) !== before.contract_options;
      if (planChanged || optionsChanged)
        await app.events.append(trx, { type: 'organization.terms_changed', subjectType: 'organization', subjectId: id, actorId: actor.id, data: { planChanged, optionsChanged } });
    }),
  );
  return getOrganization(app, actor, id);
}

// Plans

export const listPlans = (app: AppContext) => repo.listPlans(app.db);

export interface PlanInput {
  code: string;
  name: string;
  coverage: Coverage;
  includedHours: number;
  channels: string[];
  description?: string;
}

export async function createPlan(app: AppContext, actor: Actor, input: PlanInput) {
  policy.assertAdmin(actor);
  const id = newId();
  await unique('The plan code', () =>
    repo.insertPlan(app.db, {
      id,
      code: input.code,
      name: input.name,
      coverage: input.coverage,
      included_hours: input.includedHours,
      channels: JSON.stringify(input.channels),
      description: input.description ?? '',
      created_at: app.clock.now().toISOString(),
    }),
  );
  return (await repo.findPlan(app.db, id))!;
}

/** Changes a plan's name, coverage, hours, channels or description; its code stays. */
export async function updatePlan(app: AppContext, actor: Actor, id: string, patch: Partial<Omit<PlanInput, 'code'>>) {
  policy.assertAdmin(actor);
  const before = await repo.findPlan(app.db, id);
  if (!before) throw new NotFound('Plan');
  await inTransaction(app.db, async (trx) => {
    await repo.updatePlan(trx, id, {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.coverage !== undefined && { coverage: patch.coverage }),
      ...(patch.includedHours !== undefined && { included_hours: patch.includedHours }),
      ...(patch.channels !== undefined && { channels: JSON.stringify(patch.channels) }),
      ...(patch.description !== undefined && { description: patch.description }),
    });
    await recordAudit(trx, { entityType: 'plan', entityId: id, actorId: actor.id, action: 'updated', before, after: patch });
  });
  return (await repo.findPlan(app.db, id))!;
}

// People

export interface PersonInput {
  email: string;
  name: string;
  role: Role;
  organizationId?: string | null;
  line?: Line | null;
  languages?: string[];
  skills?: string[];
  locale?: Locale;
  timeZone?: string;
  phone?: string | null;
  availability?: Availability;
  password?: string;
}

const CLIENT_SIDE: Role[] = ['requester', 'client_manager'];

/** A person's mobile number as kept: E.164, so that SMS senders and callers are found by it. */
function phoneOf(app: AppContext, raw: string | null | undefined): string | null {
  if (!raw?.trim()) return null;
  const e164 = toE164(raw, app.config.phoneRegion);
  if (!e164) throw new Invalid('Not a valid phone number; write it with the country code, e.g. +7 916 123-45-67', 'phone');
  return e164;
}

/** Checks the shape rules of a person: client-side people belong to an organization, staff to none. */
async function assertPersonShape(app: AppContext, role: Role, organizationId: string | null, line: Line | null) {
  if (CLIENT_SIDE.includes(role)) {
    if (!organizationId) throw new Invalid('A client-side person needs an organization', 'organizationId');
    if (!(await repo.findOrganization(app.db, organizationId))) throw new Invalid('No such organization', 'organizationId');
    if (line) throw new Invalid('Only staff have a support line', 'line');
  } else if (organizationId) {
    throw new Invalid('Staff belong to no client organization', 'organizationId');
  }
}

export async function listPeople(app: AppContext, actor: Actor, f: { organizationId?: string; roles?: Role[]; limit?: number }) {
  const scope = policy.peopleScope(actor);
  if (scope.organizationId && f.organizationId && f.organizationId !== scope.organizationId) return [];
  return repo.listUsers(app.db, { ...f, ...scope, limit: f.limit ?? 200 });
}

export async function getPerson(app: AppContext, actor: Actor, id: string) {
  const user = await repo.findUserById(app.db, id);
  const mayKnow =
    user &&
    (isStaff(actor) ||
      user.id === actor.id ||
      (actor.role === 'client_manager' && user.organization_id === actor.organizationId));
  if (!mayKnow) throw new NotFound('Person');
  return user;
}

export async function createPerson(app: AppContext, actor: Actor, input: PersonInput) {
  const organizationId = input.organizationId ?? null;
  policy.assertMayManagePerson(actor, input.role, organizationId);
  await assertPersonShape(app, input.role, organizationId, input.line ?? null);
  const id = newId();
  const now = app.clock.now().toISOString();
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  await unique('The e-mail address', () =>
    inTransaction(app.db, async (trx) => {
      await repo.insertUser(trx, {
        id,
        email: input.email.trim().toLowerCase(),
        name: input.name,
        password_hash: passwordHash,
        role: input.role,
        organization_id: organizationId,
        line: input.line ?? null,
        languages: JSON.stringify(input.languages ?? []),
        skills: JSON.stringify(input.skills ?? []),
        locale: input.locale ?? 'en',
        time_zone: input.timeZone ?? 'UTC',
        phone: phoneOf(app, input.phone),
        availability: input.availability ?? 'offline',
        active: 1,
        failed_logins: 0,
        created_at: now,
        updated_at: now,
      });
      const { password: _password, ...after } = input;
      await recordAudit(trx, { entityType: 'user', entityId: id, actorId: actor.id, action: 'created', after });
    }),
  );
  return (await repo.findUserById(app.db, id))!;
}

export type PersonPatch = Partial<Omit<PersonInput, 'password'>> & { active?: boolean };

export async function updatePerson(app: AppContext, actor: Actor, id: string, patch: PersonPatch) {
  const before = await getPerson(app, actor, id);
  const role = patch.role ?? before.role;
  const organizationId = patch.organizationId !== undefined ? patch.organizationId : before.organization_id;
  policy.assertMayManagePerson(actor, before.role, before.organization_id);
  policy.assertMayManagePerson(actor, role, organizationId);
  await assertPersonShape(app, role, organizationId, patch.line !== undefined ? patch.line : before.line);
  await unique('The e-mail address', () =>
    inTransaction(app.db, async (trx) => {
      await repo.updateUser(trx, id, {
        ...(patch.email !== undefined && { email: patch.email.trim().toLowerCase() }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.role !== undefined && { role: patch.role }),
        ...(patch.organizationId !== undefined && { organization_id: patch.organizationId }),
        ...(patch.line !== undefined && { line: patch.line }),
        ...(patch.languages !== undefined && { languages: JSON.stringify(patch.languages) }),
        ...(patch.skills !== undefined && { skills: JSON.stringify(patch.skills) }),
        ...(patch.locale !== undefined && { locale: patch.locale }),
        ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
        ...(patch.phone !== undefined && { phone: phoneOf(app, patch.phone) }),
        ...(patch.availability !== undefined && { availability: patch.availability }),
        ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }),
        updated_at: app.clock.now().toISOString(),
      });
      if (patch.active === false) await repo.deleteUserSessions(trx, id);
      forgetAuthentications();
      await recordAudit(trx, { entityType: 'user', entityId: id, actorId: actor.id, action: 'updated', after: patch });
    }),
  );
  return (await repo.findUserById(app.db, id))!;
}

/** What anyone may change of themselves. */
export async function updateSelf(
  app: AppContext,
  actor: Actor,
  patch: { name?: string; locale?: Locale; timeZone?: string; phone?: string | null; availability?: Availability },
) {
  if (patch.availability && !isStaff(actor)) throw new Invalid('Only staff have an availability', 'availability');
  forgetAuthentications();
  await repo.updateUser(app.db, actor.id, {
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.locale !== undefined && { locale: patch.locale }),
    ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
    ...(patch.phone !== undefined && { phone: phoneOf(app, patch.phone) }),
    ...(patch.availability !== undefined && { availability: patch.availability }),
    updated_at: app.clock.now().toISOString(),
  });
  return (await repo.findUserById(app.db, actor.id))!;
}

// Groups

export async function listGroups(app: AppContext, actor: Actor) {
  policy.assertStaff(actor);
  const [groups, members] = await Promise.all([repo.listGroups(app.db), repo.membersByGroup(app.db)]);
  return groups.map((g) => ({ ...g, memberIds: members.get(g.id) ?? [] }));
}

export async function createGroup(app: AppContext, actor: Actor, input: { name: string; description?: string; memberIds?: string[] }) {
  policy.assertManager(actor);
  const id = newId();
  await assertStaffMembers(app, input.memberIds ?? []);
  await unique('The group name', () =>
    inTransaction(app.db, async (trx) => {
      await repo.insertGroup(trx, { id, name: input.name, description: input.description ?? '', created_at: app.clock.now().toISOString() });
      await repo.setGroupMembers(trx, id, input.memberIds ?? []);
    }),
  );
  return { ...(await repo.findGroup(app.db, id))!, memberIds: input.memberIds ?? [] };
}

export async function setGroupMembers(app: AppContext, actor: Actor, groupId: string, memberIds: string[]) {
  policy.assertManager(actor);
  const group = await repo.findGroup(app.db, groupId);
  if (!group) throw new NotFound('Group');
  await assertStaffMembers(app, memberIds);
  await inTransaction(app.db, (trx) => repo.setGroupMembers(trx, groupId, memberIds));
  return { ...group, memberIds };
}

export async function updateGroup(app: AppContext, actor: Actor, groupId: string, patch: { name?: string; description?: string }) {
  policy.assertManager(actor);
  const group = await repo.findGroup(app.db, groupId);
  if (!group) throw new NotFound('Group');
  await unique('The group name', () =>
    inTransaction(app.db, async (trx) => {
      await repo.updateGroup(trx, groupId, patch);
      await recordAudit(trx, { entityType: 'group', entityId: groupId, actorId: actor.id, action: 'updated', after: patch });
    }),
  );
  const members = await repo.membersByGroup(app.db);
  return { ...(await repo.findGroup(app.db, groupId))!, memberIds: members.get(groupId) ?? [] };
}

/** Deletes a group that no request names; one that requests name stays (their history needs it). */
export async function deleteGroup(app: AppContext, actor: Actor, groupId: string) {
  policy.assertManager(actor);
  if (!(await repo.findGroup(app.db, groupId))) throw new NotFound('Group');
  await inTransaction(app.db, async (trx) => {
    const used = await trx.selectFrom('tickets').select('id').where('group_id', '=', groupId).limit(1).executeTakeFirst();
    if (used) throw new Conflict('Requests are routed to this group; move them to another group first', 'group_in_use');
    await repo.deleteGroup(trx, groupId);
    await recordAudit(trx, { entityType: 'group', entityId: groupId, actorId: actor.id, action: 'deleted' });
  });
}

async function assertStaffMembers(app: AppContext, ids: string[]) {
  for (const id of new Set(ids)) {
    const u = await repo.findUserById(app.db, id);
    if (!u || CLIENT_SIDE.includes(u.role)) throw new Invalid(`${id} is not a staff member`, 'memberIds');
  }
}

/** The first administrator (from the CLI), when no one is signed in to create one. */
export async function createAdmin(app: AppContext, input: { email: string; name: string; password: string }) {
  const system: Actor = { id: SYSTEM_USER_ID, email: '', name: 'Tierdesk', role: 'admin', organizationId: null, line: null, locale: 'en' };
  return createPerson(app, system, { ...input, role: 'admin' });
}
