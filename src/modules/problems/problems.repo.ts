import type { Insertable, Selectable, Updateable } from 'kysely';
import { prepare } from '../../core/db/prepared.js';
import type { Db } from '../db.js';
import type { ProblemTables } from './problems.tables.js';

export type ProblemRow = Selectable<ProblemTables['problems']>;
export type MajorRow = Selectable<ProblemTables['major_incidents']>;

// Problems

export const insertProblem = (db: Db, row: Insertable<ProblemTables['problems']>) => db.insertInto('problems').values(row).execute();

export function findProblem(db: Db, idOrNumber: string) {
  const n = /^(PRB-)?0*(\d+)$/i.exec(idOrNumber);
  const q = db.selectFrom('problems').selectAll();
  return (n ? q.where('number', '=', Number(n[2])) : q.where('id', '=', idOrNumber)).executeTakeFirst();
}

export const updateProblem = (db: Db, id: string, patch: Updateable<ProblemTables['problems']>) =>
  db.updateTable('problems').set(patch).where('id', '=', id).execute();

/** Problems, newest first, with how many incidents each has and how many of them are still open. */
export function listProblems(db: Db, status?: string) {
  let q = db
    .selectFrom('problems as p')
    .leftJoin('problem_incidents as pi', 'pi.problem_id', 'p.id')
    .leftJoin('tickets as t', 't.id', 'pi.ticket_id')
    .selectAll('p')
    .select((eb) => [
      eb.fn.count<number>('pi.ticket_id').as('incidents'),
      eb.fn.count<number>(eb.case().when('t.status', 'in', ['new', 'open', 'pending_customer', 'pending_vendor']).then(1).end()).as('open_incidents'),
    ])
    .groupBy('p.id')
    .orderBy('p.number', 'desc');
  if (status) q = q.where('p.status', '=', status as ProblemRow['status']);
  return q.execute();
}

/** A problem's incidents as staff see them in its list. */
export const listIncidents = (db: Db, problemId: string) =>
  db
    .selectFrom('problem_incidents as pi')
    .innerJoin('tickets as t', 't.id', 'pi.ticket_id')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .select(['t.id', 't.number', 't.subject', 't.status', 't.priority', 't.organization_id', 'o.name as organization_name', 't.category_id', 'pi.linked_at'])
    .where('pi.problem_id', '=', problemId)
    .orderBy('t.number')
    .execute();

export const findIncidentLink = (db: Db, ticketId: string) =>
  db.selectFrom('problem_incidents').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();

export const insertIncidentLink = (db: Db, row: Insertable<ProblemTables['problem_incidents']>) => db.insertInto('problem_incidents').values(row).execute();

export const deleteIncidentLink = (db: Db, problemId: string, ticketId: string) =>
  db.deleteFrom('problem_incidents').where('problem_id', '=', problemId).where('ticket_id', '=', ticketId).executeTakeFirst();

export const insertProblemEvent = (db: Db, row: Insertable<ProblemTables['problem_events']>) => db.insertInto('problem_events').values(row).execute();

export const listProblemEvents = (db: Db, problemId: string) =>
  db
    .selectFrom('problem_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.type', 'e.data', 'e.created_at', 'u.name as actor_name'])
    .where('e.problem_id', '=', problemId)
    .orderBy('e.id')
    .execute();

/** Incidents per root-cause category (problems without one count as `null`). */
export const incidentsByCategory = (db: Db) =>
  db
    .selectFrom('problems as p')
    .leftJoin('problem_incidents as pi', 'pi.problem_id', 'p.id')
    .select((eb) => ['p.root_cause_category', eb.fn.count<number>('pi.ticket_id').as('incidents'), eb.fn.count<number>('p.id').distinct().as('problems')])
    .groupBy('p.root_cause_category')
    .execute();

// Major incidents

export const findMajor = (db: Db, ticketId: string) => majorOf.first(db, { ticketId });
const majorOf = prepare((db: Db, p: { ticketId: string }) => db.selectFrom('major_incidents').selectAll().where('ticket_id', '=', p.ticketId));
export const insertMajor = (db: Db, row: Insertable<ProblemTables['major_incidents']>) => db.insertInto('major_incidents').values(row).execute();
export const updateMajor = (db: Db, ticketId: string, patch: Updateable<ProblemTables['major_incidents']>) =>
  db.updateTable('major_incidents').set(patch).where('ticket_id', '=', ticketId).execute();

export const findChildLink = (db: Db, childId: string) =>
  db.selectFrom('major_incident_children').selectAll().where('child_id', '=', childId).executeTakeFirst();
export const insertChild = (db: Db, row: Insertable<ProblemTables['major_incident_children']>) => db.insertInto('major_incident_children').values(row).execute();
export const deleteChild = (db: Db, parentId: string, childId: string) =>
  db.deleteFrom('major_incident_children').where('parent_id', '=', parentId).where('child_id', '=', childId).executeTakeFirst();

/** A major incident's children, by number. */
export const listChildren = (db: Db, parentId: string) =>
  db
    .selectFrom('major_incident_children as c')
    .innerJoin('tickets as t', 't.id', 'c.child_id')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .select(['t.id', 't.number', 't.subject', 't.status', 't.requester_id', 't.organization_id', 'o.name as organization_name', 'c.linked_at'])
    .where('c.parent_id', '=', parentId)
    .orderBy('t.number')
    .execute();

/** Open requests like the parent (same category and organization) not yet in any major incident, nor one itself. */
export function listSimilar(db: Db, parent: { id: string; organization_id: string; category_id: string | null }) {
  let q = db
    .selectFrom('tickets as t')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .leftJoin('major_incident_children as c', 'c.child_id', 't.id')
    .leftJoin('major_incidents as m', 'm.ticket_id', 't.id')
    .select(['t.id', 't.number', 't.subject', 't.status', 't.organization_id', 'o.name as organization_name', 't.created_at'])
    .where('t.id', '!=', parent.id)
    .where('t.organization_id', '=', parent.organization_id)
    .where('t.status', 'in', ['new', 'open', 'pending_customer', 'pending_vendor'])
    .where('c.child_id', 'is', null)
    .where('m.ticket_id', 'is', null)
    .orderBy('t.number', 'desc')
    .limit(200);
  q = parent.category_id ? q.where('t.category_id', '=', parent.category_id) : q.where('t.category_id', 'is', null);
  return q.execute();
}

/** Records that an update was fanned out; false when it already was (a replay). */
export async function claimUpdate(db: Db, row: Insertable<ProblemTables['major_incident_updates']>) {
  const r = await db.insertInto('major_incident_updates').values(row).onConflict((oc) => oc.columns(['parent_id', 'entry_id']).doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The open major incidents, with the organizations each affects (the parent's and its children's). */
export async function openMajorsWithOrganizations(db: Db) {
  const majors = await db
    .selectFrom('major_incidents as m')
    .innerJoin('tickets as t', 't.id', 'm.ticket_id')
    .select(['m.ticket_id', 'm.title', 'm.message', 'm.declared_at', 't.organization_id'])
    .where('m.resolved_at', 'is', null)
    .orderBy('m.declared_at', 'desc')
    .execute();
  if (!majors.length) return [];
  const children = await db
    .selectFrom('major_incident_children as c')
    .innerJoin('tickets as t', 't.id', 'c.child_id')
    .select(['c.parent_id', 't.organization_id'])
    .distinct()
    .where('c.parent_id', 'in', majors.map((m) => m.ticket_id))
    .execute();
  return majors.map((m) => ({
    ...m,
    organizations: [...new Set([m.organization_id, ...children.filter((c) => c.parent_id === m.ticket_id).map((c) => c.organization_id)])],
  }));
}
