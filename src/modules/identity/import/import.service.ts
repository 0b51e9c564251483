import type { z } from 'zod';
import type { ImportKind, ImportProblem, ImportResult, ImportRow } from '../../../contracts/import.js';
import { inTransaction } from '../../../core/db/connect.js';
import { DomainError } from '../../../core/errors.js';
import { toE164 } from '../../../core/phone.js';
import type { AppContext } from '../../db.js';
import type { Actor } from '../actor.js';
import * as directory from '../directory.service.js';
import * as repo from '../identity.repo.js';
import { assertAdmin } from '../identity.policy.js';
import type { Line, Locale, Role } from '../identity.tables.js';
import { ROW_PROBLEMS, type RowProblem } from './import.messages.js';
import type { SheetText } from './read-table.js';

type Kind = z.infer<typeof ImportKind>;
type Problem = z.infer<typeof ImportProblem>;
type Row = z.infer<typeof ImportRow>;

/** A column of an import: its field, the headers it is known by (English and Russian, lower case). */
interface Column {
  field: string;
  headers: string[];
  required?: boolean;
}

const ORGANIZATION = { field: 'organization', headers: ['organization', 'организация', 'компания'] };
const PLAN = { field: 'plan', headers: ['plan', 'тариф', 'план'] };
const STARTS = { field: 'contractStartsOn', headers: ['contract start', 'contract starts on', 'начало договора'] };
const ENDS = { field: 'contractEndsOn', headers: ['contract end', 'contract ends on', 'окончание договора', 'конец договора'] };

/** The columns each kind of file may have. */
export const COLUMNS: Record<Kind, Column[]> = {
  organizations: [
    { field: 'name', headers: ['name', 'organization', 'название', 'организация'], required: true },
    PLAN,
    { field: 'domains', headers: ['domains', 'domain', 'домены', 'домен'] },
    STARTS,
    ENDS,
  ],
  people: [
    { field: 'email', headers: ['email', 'e-mail', 'почта', 'эл. почта', 'электронная почта'], required: true },
    { field: 'name', headers: ['name', 'имя', 'фио'], required: true },
    { field: 'role', headers: ['role', 'роль'], required: true },
    ORGANIZATION,
    { field: 'line', headers: ['line', 'линия'] },
    { field: 'phone', headers: ['phone', 'телефон'] },
    { field: 'language', headers: ['language', 'locale', 'язык'] },
  ],
  contracts: [{ ...ORGANIZATION, required: true }, { ...PLAN, required: true }, STARTS, ENDS],
};

const ROLES: Record<string, Role> = {
  requester: 'requester', заявитель: 'requester', пользователь: 'requester',
  client_manager: 'client_manager', 'ит-менеджер': 'client_manager', 'it manager': 'client_manager',
  agent: 'agent', агент: 'agent', инженер: 'agent',
  manager: 'manager', менеджер: 'manager',
  admin: 'admin', администратор: 'admin',
};
const LOCALES: Record<string, Locale> = { en: 'en', english: 'en', английский: 'en', ru: 'ru', russian: 'ru', русский: 'ru' };
const CLIENT_SIDE: Role[] = ['requester', 'client_manager'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/** A row checked: what it would do, its problems, and how to apply it through the directory's use cases. */
interface Planned extends Row {
  apply?: (app: AppContext, actor: Actor) => Promise<unknown>;
}

class Rollback extends Error {}

/**
 * Imports a sheet of organizations, people or contracts (admins only). Every row is checked first;
 * then the rows go through the directory's use cases (their validation and audit) in one transaction,
 * which a dry run, or any row's problem, rolls back: all or nothing.
 */
export async function importSheet(app: AppContext, actor: Actor, kind: Kind, sheet: SheetText, dryRun: boolean): Promise<z.infer<typeof ImportResult>> {
  assertAdmin(actor);
  const columns = COLUMNS[kind];
  const headerErrors: Problem[] = [];
  const at = new Map<string, number>();
  sheet.headers.forEach((h, i) => {
    if (!h) return;
    const col = columns.find((c) => c.headers.includes(norm(h)));
    if (!col) headerErrors.push(problem(h, h, 'unknown_column'));
    else if (at.has(col.field)) headerErrors.push(problem(h, col.field, 'duplicate_in_file'));
    else at.set(col.field, i);
  });
  for (const c of columns) if (c.required && !at.has(c.field)) headerErrors.push(problem(c.headers[0]!, c.field, 'missing_column'));

  const ctx = await lookups(app);
  const rows: Planned[] = [];
  for (const r of sheet.rows) {
    const values: Record<string, string> = {};
    for (const [field, i] of at) values[field] = r.cells[i] ?? '';
    const errors: Problem[] = [];
    const fail = (field: string, code: RowProblem, detail?: string) => errors.push(problem(sheet.headers[at.get(field) ?? -1] ?? field, field, code, detail));
    const planned: Planned = { row: r.number, action: null, values, errors };
    const check = kind === 'people' ? checkPerson : kind === 'organizations' ? checkOrganization : checkContract;
    Object.assign(planned, await check(app, ctx, values, fail));
    if (errors.length) delete planned.apply;
    rows.push(planned);
  }

  const ok = !headerErrors.length && rows.every((r) => !r.errors.length);
  let imported = false;
  if (ok) {
    try {
      await inTransaction(app.db, async (trx) => {
        const inTrx = { ...app, db: trx };
        for (const r of rows) {
          try {
            await r.apply!(inTrx, actor);
          } catch (err) {
            if (!(err instanceof DomainError)) throw err;
            r.errors.push(problem('', '', 'rejected', err.message));
            throw new Rollback();
          }
        }
        if (dryRun) throw new Rollback();
      });
      imported = !dryRun;
    } catch (err) {
      if (!(err instanceof Rollback)) throw err;
    }
  }
  const errorCount = headerErrors.length + rows.reduce((n, r) => n + r.errors.length, 0);
  return {
    kind,
    dryRun,
    imported,
    created: rows.filter((r) => !r.errors.length && r.action === 'create').length,
    updated: rows.filter((r) => !r.errors.length && r.action === 'update').length,
    errorCount,
    headerErrors,
    rows: rows.map(({ apply: _apply, ...r }) => r),
  };
}

function problem(column: string, field: string, code: RowProblem, detail?: string): Problem {
  return { column, field, code, message: { ...ROW_PROBLEMS[code] }, ...(detail && { detail }) };
}

/** What the rows are checked against: organizations by name, plans by code or name, domains in use. */
async function lookups(app: AppContext) {
  const orgs = await repo.listOrganizations(app.db);
  const plans = await repo.listPlans(app.db);
  const domains = await repo.domainsByOrganization(app.db, orgs.map((o) => o.id));
  const domainOwner = new Map<string, string>();
  for (const [orgId, list] of domains) for (const d of list) domainOwner.set(d, orgId);
  return {
    orgByName: new Map(orgs.map((o) => [norm(o.name), o])),
    planByKey: new Map(plans.flatMap((p) => [[norm(p.code), p] as const, [norm(p.name), p] as const])),
    domainOwner,
    seen: new Set<string>(),
  };
}
type Lookups = Awaited<ReturnType<typeof lookups>>;
type Fail = (field: string, code: RowProblem, detail?: string) => void;

function dates(v: Record<string, string>, fail: Fail) {
  for (const f of ['contractStartsOn', 'contractEndsOn']) if (v[f] && !(DATE.test(v[f]) && !isNaN(Date.parse(v[f])))) fail(f, 'bad_date');
  if (v.contractStartsOn && v.contractEndsOn && v.contractEndsOn < v.contractStartsOn) fail('contractEndsOn', 'dates_reversed');
  return {
    ...(v.contractStartsOn && { contractStartsOn: v.contractStartsOn }),
    ...(v.contractEndsOn && { contractEndsOn: v.contractEndsOn }),
  };
}

function plan(ctx: Lookups, v: Record<string, string>, fail: Fail) {
  if (!v.plan) return {};
  const p = ctx.planByKey.get(norm(v.plan));
  if (!p) fail('plan', 'unknown_plan');
  return p ? { planId: p.id } : {};
}

/** Each file names a thing once (an organization, an e-mail, a domain). */
function once(ctx: Lookups, key: string, field: string, fail: Fail) {
  if (ctx.seen.has(key)) fail(field, 'duplicate_in_file');
  ctx.seen.add(key);
}

function checkOrganization(_app: AppContext, ctx: Lookups, v: Record<string, string>, fail: Fail): Partial<Planned> {
  if (!v.name) {
    fail('name', 'required');
    return {};
  }
  once(ctx, `org:${norm(v.name)}`, 'name', fail);
  const existing = ctx.orgByName.get(norm(v.name));
  const domains = v.domains ? v.domains.split(/[\s,;]+/).filter(Boolean).map((d) => d.toLowerCase()) : undefined;
  for (const d of domains ?? []) {
    if (!DOMAIN.test(d)) fail('domains', 'bad_domain', d);
    else if ((ctx.domainOwner.get(d) ?? existing?.id) !== existing?.id) fail('domains', 'domain_taken', d);
    once(ctx, `domain:${d}`, 'domains', fail);
  }
  const input = { ...plan(ctx, v, fail), ...dates(v, fail), ...(domains && { domains }) };
  if (existing) return { action: 'update', apply: (app, actor) => directory.updateOrganization(app, actor, existing.id, input) };
  return { action: 'create', apply: (app, actor) => directory.createOrganization(app, actor, { name: v.name!, ...input }) };
}

function checkContract(_app: AppContext, ctx: Lookups, v: Record<string, string>, fail: Fail): Partial<Planned> {
  const org = v.organization ? ctx.orgByName.get(norm(v.organization)) : undefined;
  if (!v.organization) fail('organization', 'required');
  else if (!org) fail('organization', 'unknown_organization');
  else once(ctx, `org:${org.id}`, 'organization', fail);
  if (!v.plan) fail('plan', 'required');
  const input = { ...plan(ctx, v, fail), ...dates(v, fail) };
  return org ? { action: 'update', apply: (app, actor) => directory.updateOrganization(app, actor, org.id, input) } : {};
}

async function checkPerson(app: AppContext, ctx: Lookups, v: Record<string, string>, fail: Fail): Promise<Partial<Planned>> {
  const email = (v.email ?? '').toLowerCase();
  if (!email) fail('email', 'required');
  else if (!EMAIL.test(email)) fail('email', 'bad_email');
  else once(ctx, `email:${email}`, 'email', fail);
  if (!v.name) fail('name', 'required');
  const role = ROLES[norm(v.role ?? '')];
  if (!v.role) fail('role', 'required');
  else if (!role) fail('role', 'bad_role');
  const org = v.organization ? ctx.orgByName.get(norm(v.organization)) : undefined;
  if (v.organization && !org) fail('organization', 'unknown_organization');
  if (role && CLIENT_SIDE.includes(role) && !v.organization) fail('organization', 'client_needs_organization');
  if (role && !CLIENT_SIDE.includes(role) && v.organization) fail('organization', 'staff_no_organization');
  const line = v.line ? (v.line.toUpperCase() as Line) : null;
  if (line && !['L1', 'L2', 'L3'].includes(line)) fail('line', 'bad_line');
  else if (line && role && CLIENT_SIDE.includes(role)) fail('line', 'line_only_staff');
  if (v.phone && !toE164(v.phone, app.config.phoneRegion)) fail('phone', 'bad_phone');
  const locale = v.language ? LOCALES[norm(v.language)] : undefined;
  if (v.language && !locale) fail('language', 'bad_language');
  const input = {
    email,
    name: v.name!,
    role: role!,
    organizationId: org?.id ?? null,
    line,
    ...(v.phone && { phone: v.phone }),
    ...(locale && { locale }),
  };
  const existing = email ? await repo.findUserByEmail(app.db, email) : undefined;
  if (existing) return { action: 'update', apply: (app, actor) => directory.updatePerson(app, actor, existing.id, input) };
  return { action: 'create', apply: (app, actor) => directory.createPerson(app, actor, input) };
}
