import type { Insertable, Selectable, Updateable } from 'kysely';
import { deleteInBatches } from '../../core/db/batches.js';
import type { Db } from '../db.js';
import type { AutomationTables } from './automation.tables.js';
import type { RuleError } from '../../contracts/automation.js';
import { errorColumns } from './rule-errors.js';

export type RuleRow = Selectable<AutomationTables['automation_rules']>;
export type RunRow = Selectable<AutomationTables['automation_runs']>;

/** Rules in the order they run: by position, then name. */
export function listRules(db: Db, filter: { organizationId?: string; kind?: 'event' | 'time'; enabledOnly?: boolean } = {}) {
  let q = db.selectFrom('automation_rules').selectAll();
  if (filter.organizationId) q = q.where((eb) => eb.or([eb('organization_id', '=', filter.organizationId!), eb('organization_id', 'is', null)]));
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.enabledOnly) q = q.where('enabled', '=', 1);
  return q.orderBy('position').orderBy('name').orderBy('id').execute();
}

export const findRule = (db: Db, id: string) => db.selectFrom('automation_rules').selectAll().where('id', '=', id).executeTakeFirst();
export const insertRule = (db: Db, row: Insertable<AutomationTables['automation_rules']>) => db.insertInto('automation_rules').values(row).execute();
export const updateRule = (db: Db, id: string, patch: Updateable<AutomationTables['automation_rules']>) =>
  db.updateTable('automation_rules').set(patch).where('id', '=', id).execute();
export const deleteRule = (db: Db, id: string) => db.deleteFrom('automation_rules').where('id', '=', id).execute();

/** The position after the last rule's. */
export async function nextPosition(db: Db): Promise<number> {
  const r = await db.selectFrom('automation_rules').select((eb) => eb.fn.max('position').as('max')).executeTakeFirst();
  return r?.max == null ? 10 : Number(r.max) + 10;
}

/** Records the last failure of a rule (or clears it). */
export function setLastError(db: Db, id: string, error: RuleError | null, at: string | null) {
  const c = errorColumns(error);
  return db.updateTable('automation_rules').set({ last_error: c.text, last_error_code: c.code, last_error_params: c.params, last_error_at: at }).where('id', '=', id).execute();
}

/** A run as recorded: its error (if any) as the code and parameters of rule-errors.ts. */
export type RunInsert = Omit<Insertable<AutomationTables['automation_runs']>, 'error' | 'error_code' | 'error_params'> & { error: RuleError | null };

export function insertRuns(db: Db, rows: RunInsert[]) {
  if (!rows.length) return Promise.resolve([]);
  return db
    .insertInto('automation_runs')
    .values(
      rows.map(({ error, ...r }) => {
        const c = errorColumns(error);
        return { ...r, error: c.text, error_code: c.code, error_params: c.params };
      }),
    )
    .execute();
}

/** A rule's latest runs, newest first, with the request's number. */
export const listRuns = (db: Db, ruleId: string, limit: number) =>
  db
    .selectFrom('automation_runs as r')
    .leftJoin('tickets as t', 't.id', 'r.ticket_id')
    .selectAll('r')
    .select('t.number as ticket_number')
    .where('r.rule_id', '=', ruleId)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute();

/** Deletes runs recorded before `before`, in short batches (the retention job). */
export const purgeRuns = (db: Db, before: string) => deleteInBatches(db, 'automation_runs', 'id', (q) => q.where('created_at', '<', before));
