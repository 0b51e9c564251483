import { recordAudit } from '../../../core/audit/audit.js';
import { inTransaction } from '../../../core/db/connect.js';
import { Conflict, Invalid, NotFound } from '../../../core/errors.js';
import { isUniqueViolation } from '../../../core/db/dialect.js';
import { newId } from '../../../core/ids/ids.js';
import { cancelTimer, scheduleTimer, type DueTimer } from '../../../core/jobs/timers.js';
import { toE164 } from '../../../core/phone.js';
import type { AppContext, Db } from '../../db.js';
import type { Actor } from '../actor.js';
import { forgetAuthentications } from '../auth.service.js';
import * as identity from '../identity.repo.js';
import { assertAdmin } from '../identity.policy.js';
import { SYSTEM_USER_ID, type Locale, type Role } from '../identity.tables.js';
import { domainOf } from '../sso/sso.policy.js';
import * as repo from './directory.repo.js';
import { readDirectory, type DirectoryEntry, type LdapSource } from './ldap.js';

/**
 * Directory sync: an organization's people as its LDAP / Active Directory lists them. A durable
 * timer per organization reads the directory (outside any transaction), then in one transaction
 * creates the people who are new, updates those who changed and deactivates those who left (their
 * requests stay), records a report of it and sets the next run. A dry run reports without changing.
 */
export const SYNC_TIMER = 'directory.sync';
const timerKey = (organizationId: string) => `${SYNC_TIMER}:${organizationId}`;

export interface DirectoryConfigInput {
  url: string;
  bindDn: string;
  bindPassword?: string;
  baseDn: string;
  filter: string;
  attributes: LdapSource['attributes'];
  managerGroupDn: string | null;
  intervalMinutes: number;
  ldapSignIn: boolean;
  enabled: boolean;
}

export interface SyncChange {
  action: 'create' | 'update' | 'deactivate' | 'skip';
  email: string;
  name: string;
  userId: string | null;
  fields?: string[];
  reason?: string;
}

async function assertScope(app: AppContext, actor: Actor, organizationId: string) {
  assertAdmin(actor);
  if (!(await identity.findOrganization(app.db, organizationId))) throw new NotFound('Organization');
}

async function present(app: AppContext, r: repo.DirectorySourceRow) {
  const timer = await app.db
    .selectFrom('timers')
    .select('due_at')
    .where('key', '=', timerKey(r.organization_id))
    .where('fired_at', 'is', null)
    .where('failed_at', 'is', null)
    .executeTakeFirst();
  return {
    organizationId: r.organization_id,
    url: r.url,
    bindDn: r.bind_dn,
    hasBindPassword: r.bind_secret.length > 0,
    baseDn: r.base_dn,
    filter: r.filter,
    attributes: JSON.parse(r.attributes) as LdapSource['attributes'],
    managerGroupDn: r.manager_group_dn,
    intervalMinutes: r.interval_minutes,
    ldapSignIn: r.ldap_sign_in === 1,
    enabled: r.enabled === 1,
    nextSyncAt: timer?.due_at ?? null,
    updatedAt: r.updated_at,
  };
}

export async function getConfig(app: AppContext, actor: Actor, organizationId: string) {
  await assertScope(app, actor, organizationId);
  const r = await repo.findSource(app.db, organizationId);
  if (!r) throw new NotFound('Directory configuration');
  return present(app, r);
}

/** Creates or replaces an organization's directory; an enabled one is synced at once, then every interval. */
export async function putConfig(app: AppContext, actor: Actor, organizationId: string, input: DirectoryConfigInput) {
  await assertScope(app, actor, organizationId);
  const now = app.clock.now().toISOString();
  const fields = {
    url: input.url.replace(/\/$/, ''),
    bind_dn: input.bindDn,
    base_dn: input.baseDn,
    filter: input.filter,
    attributes: JSON.stringify(input.attributes),
    manager_group_dn: input.managerGroupDn,
    interval_minutes: input.intervalMinutes,
    ldap_sign_in: input.ldapSignIn ? 1 : 0,
    enabled: input.enabled ? 1 : 0,
    updated_at: now,
  };
  await inTransaction(app.db, async (trx) => {
    const before = await repo.findSource(trx, organizationId);
    if (before) await repo.updateSource(trx, app.secrets, organizationId, { ...fields, ...(input.bindPassword && { bind_secret: input.bindPassword }) });
    else {
      if (!input.bindPassword) throw new Invalid('A bind password is needed', 'bindPassword');
      await repo.insertSource(trx, app.secrets, { organization_id: organizationId, bind_secret: input.bindPassword, created_at: now, ...fields });
    }
    if (input.enabled) await scheduleTimer(trx, { key: timerKey(organizationId), kind: SYNC_TIMER, subjectId: organizationId, dueAt: now });
    else await cancelTimer(trx, timerKey(organizationId));
    const { bindPassword: _secret, ...after } = input;
    await recordAudit(trx, { entityType: 'directory_source', entityId: organizationId, actorId: actor.id, action: before ? 'updated' : 'created', after });
  });
  return getConfig(app, actor, organizationId);
}

export async function deleteConfig(app: AppContext, actor: Actor, organizationId: string) {
  await assertScope(app, actor, organizationId);
  if (!(await repo.findSource(app.db, organizationId))) throw new NotFound('Directory configuration');
  await inTransaction(app.db, async (trx) => {
    await repo.deleteSource(trx, organizationId);
    await cancelTimer(trx, timerKey(organizationId));
    await recordAudit(trx, { entityType: 'directory_source', entityId: organizationId, actorId: actor.id, action: 'deleted' });
  });
}

export const presentRun = (r: repo.SyncRunRow) => ({
  id: r.id,
  organizationId: r.organization_id,
  trigger: r.trigger,
  dryRun: r.dry_run === 1,
  status: r.status,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  created: r.created,
  updated: r.updated,
  deactivated: r.deactivated,
  skipped: r.skipped,
  changes: JSON.parse(r.changes) as SyncChange[],
  error: r.error,
});

export async function listRuns(app: AppContext, actor: Actor, organizationId: string, limit = 20) {
  await assertScope(app, actor, organizationId);
  return (await repo.listRuns(app.db, organizationId, limit)).map(presentRun);
}

const localeOf = (raw: string | null): Locale | null => {
  if (!raw) return null;
  const l = raw.trim().toLowerCase();
  return l.startsWith('ru') ? 'ru' : l.startsWith('en') ? 'en' : null;
};

type Outcome = { entries: DirectoryEntry[] } | { error: string };

/** Reads the directory; a failure is an outcome (reported), not an exception. */
async function read(app: AppContext, source: repo.DirectorySourceRow): Promise<Outcome> {
  try {
    return { entries: await readDirectory(repo.toLdapSource(app.secrets, source)) };
  } catch (err) {
    return { error: (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 1000) };
  }
}

/**
 * Brings the organization's people in line with the directory (or, on a dry run, only says what it
 * would do) and records the run; in the caller's transaction.
 */
async function reconcile(
  app: AppContext,
  trx: Db,
  source: repo.DirectorySourceRow,
  outcome: Outcome,
  opts: { dryRun: boolean; trigger: 'schedule' | 'manual'; startedAt: string },
) {
  const orgId = source.organization_id;
  const now = app.clock.now().toISOString();
  const changes: SyncChange[] = [];
  if ('entries' in outcome) {
    const domains = (await trx.selectFrom('organization_domains').select('domain').where('organization_id', '=', orgId).execute()).map((d) => d.domain);
    const linked = await repo.listLinked(trx, orgId);
    const seen = new Set<string>();
    for (const e of outcome.entries) {
      const name = e.name ?? e.email ?? e.dn;
      if (!e.email || !e.email.includes('@')) {
        changes.push({ action: 'skip', email: e.email ?? '', name, userId: null, reason: 'no_email' });
        continue;
      }
      // A directory never brings in people of another organization (or the provider's staff).
      if (!domains.includes(domainOf(e.email))) {
        changes.push({ action: 'skip', email: e.email, name, userId: null, reason: 'foreign_domain' });
        continue;
      }
      if (seen.has(e.email)) continue;
      seen.add(e.email);
      const phone = e.phone ? toE164(e.phone, app.config.phoneRegion) : null;
      const locale = localeOf(e.locale);
      const user = await identity.findUserByEmail(trx, e.email);
      if (!user) {
        const role: Role = e.manager ? 'client_manager' : 'requester';
        const id = newId();
        changes.push({ action: 'create', email: e.email, name, userId: null, fields: ['name', 'role', ...(phone ? ['phone'] : []), ...(locale ? ['locale'] : [])] });
        if (opts.dryRun) continue;
        await identity.insertUser(trx, {
          id,
          email: e.email,
          name,
          password_hash: null,
          role,
          organization_id: orgId,
          line: null,
          languages: '[]',
          skills: '[]',
          locale: locale ?? 'en',
          time_zone: 'UTC',
          phone,
          availability: 'offline',
          active: 1,
          failed_logins: 0,
          created_at: now,
          updated_at: now,
        });
        changes[changes.length - 1]!.userId = id;
        await recordAudit(trx, { entityType: 'user', entityId: id, actorId: SYSTEM_USER_ID, action: 'created', after: { email: e.email, name, role, source: 'directory' } });
        await repo.link(trx, { organization_id: orgId, user_id: id, dn: e.dn, seen_at: now });
        continue;
      }
      if (user.organization_id !== orgId) {
        changes.push({ action: 'skip', email: e.email, name, userId: null, reason: 'other_organization' });
        continue;
      }
      const isLinked = linked.some((l) => l.user_id === user.id);
      const patch: Partial<Pick<identity.UserRow, 'name' | 'phone' | 'locale' | 'role' | 'active'>> = {};
      if (e.name && e.name !== user.name) patch.name = e.name;
      if (phone && phone !== user.phone) patch.phone = phone;
      if (locale && locale !== user.locale) patch.locale = locale;
      if (e.manager !== null) {
        const role: Role = e.manager ? 'client_manager' : 'requester';
        if (role !== user.role) patch.role = role;
      }
      // Someone the directory deactivated and who is back is active again (not someone an admin deactivated).
      if (!user.active && isLinked) patch.active = 1;
      const fields = Object.keys(patch);
      if (fields.length) changes.push({ action: 'update', email: e.email, name, userId: user.id, fields });
      if (opts.dryRun) continue;
      if (fields.length) {
        await identity.updateUser(trx, user.id, { ...patch, updated_at: now });
        await recordAudit(trx, { entityType: 'user', entityId: user.id, actorId: SYSTEM_USER_ID, action: 'updated', after: { ...patch, source: 'directory' } });
      }
      await repo.link(trx, { organization_id: orgId, user_id: user.id, dn: e.dn, seen_at: now });
    }
    for (const l of linked) {
      if (seen.has(l.email) || !l.active) continue;
      changes.push({ action: 'deactivate', email: l.email, name: l.name, userId: l.user_id });
      if (opts.dryRun) continue;
      // Deactivated, never deleted: their requests and history stay.
      await identity.updateUser(trx, l.user_id, { active: 0, updated_at: now });
      await identity.deleteUserSessions(trx, l.user_id);
      await recordAudit(trx, { entityType: 'user', entityId: l.user_id, actorId: SYSTEM_USER_ID, action: 'updated', after: { active: false, source: 'directory' } });
    }
    if (!opts.dryRun && changes.some((c) => c.action !== 'skip')) forgetAuthentications();
  }
  const count = (a: SyncChange['action']) => changes.filter((c) => c.action === a).length;
  const run = {
    id: newId(),
    organization_id: orgId,
    trigger: opts.trigger,
    dry_run: opts.dryRun ? 1 : 0,
    status: 'error' in outcome ? ('failed' as const) : ('ok' as const),
    started_at: opts.startedAt,
    finished_at: now,
    created: count('create'),
    updated: count('update'),
    deactivated: count('deactivate'),
    skipped: count('skip'),
    changes: JSON.stringify(changes),
    error: 'error' in outcome ? outcome.error : null,
  };
  await repo.insertRun(trx, run);
  return run;
}

/** Syncs now (or, with dryRun, reports what a sync would change); the run's report. */
export async function syncNow(app: AppContext, actor: Actor, organizationId: string, dryRun: boolean) {
  await assertScope(app, actor, organizationId);
  const source = await repo.findSource(app.db, organizationId);
  if (!source) throw new NotFound('Directory configuration');
  const startedAt = app.clock.now().toISOString();
  const outcome = await read(app, source);
  try {
    const run = await inTransaction(app.db, (trx) => reconcile(app, trx, source, outcome, { dryRun, trigger: 'manual', startedAt }));
    return presentRun(run);
  } catch (err) {
    // The scheduled sync brought the same people in meanwhile: nothing is lost, this one is undone.
    if (isUniqueViolation(err)) throw new Conflict('Another sync of this directory ran at the same time; try again', 'sync_in_progress');
    throw err;
  }
}

/** The scheduled sync: read the directory outside the transaction… */
export async function prepareScheduledSync(app: AppContext, t: DueTimer) {
  const source = await repo.findSource(app.db, t.subjectId);
  if (!source || !source.enabled) return null;
  return { startedAt: app.clock.now().toISOString(), outcome: await read(app, source) };
}

/** …then apply it, report it and set the next run, in the timer's transaction. */
export async function applyScheduledSync(app: AppContext, trx: Db, t: DueTimer, prepared: Awaited<ReturnType<typeof prepareScheduledSync>>) {
  const source = await repo.findSource(trx, t.subjectId);
  if (!prepared || !source || !source.enabled) return;
  await reconcile(app, trx, source, prepared.outcome, { dryRun: false, trigger: 'schedule', startedAt: prepared.startedAt });
  const next = new Date(app.clock.now().getTime() + source.interval_minutes * 60_000);
  await scheduleTimer(trx, { key: timerKey(t.subjectId), kind: SYNC_TIMER, subjectId: t.subjectId, dueAt: next });
}
