import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { nextSequenceValue } from '../../core/db/counters.js';
import { Conflict, Invalid, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import { within, type AppContext, type Db } from '../db.js';
import type { Actor, Locale } from '../identity/index.js';
import { createPage } from '../kb/index.js';
import { addComment, insertTimelineEntry, loadTicket, ticketNumber, updateTicket, type TicketRow } from '../tickets/index.js';
import { assertMayWorkProblems } from './problems.policy.js';
import { workaroundArticle } from './problems.messages.js';
import * as repo from './problems.repo.js';
import type { ProblemStatus, RootCauseCategory } from './problems.tables.js';

export const problemNumber = (n: number) => `PRB-${String(n).padStart(6, '0')}`;
const ACTIVE = new Set(['new', 'open', 'pending_customer', 'pending_vendor']);

export async function loadProblem(app: AppContext, actor: Actor, ref: string) {
  assertMayWorkProblems(actor);
  const p = await repo.findProblem(app.db, ref);
  if (!p) throw new NotFound('Problem');
  return p;
}

/** Writes one step of a problem: its own timeline, the audit log. */
async function recordStep(trx: Db, actor: Actor, problemId: string, type: string, data: Record<string, unknown>, now: string, audit?: { before?: Record<string, unknown>; after?: Record<string, unknown> }) {
  await repo.insertProblemEvent(trx, { problem_id: problemId, actor_id: actor.id, type, data: JSON.stringify(data), created_at: now });
  await recordAudit(trx, { entityType: 'problem', entityId: problemId, actorId: actor.id, action: type, before: audit?.before ?? null, after: audit?.after ?? data });
}

/** Links an incident in the caller's transaction: on the problem's and the request's timelines, audited, an event for webhooks. */
async function link(app: AppContext, trx: Db, actor: Actor, p: repo.ProblemRow, t: TicketRow, now: string) {
  const existing = await repo.findIncidentLink(trx, t.id);
  if (existing) {
    const other = existing.problem_id === p.id ? p : await repo.findProblem(trx, existing.problem_id);
    throw new Conflict(`${ticketNumber(t.number)} is already linked to ${problemNumber(other!.number)}`, 'already_linked', { ticket: ticketNumber(t.number), problem: problemNumber(other!.number) });
  }
  await repo.insertIncidentLink(trx, { problem_id: p.id, ticket_id: t.id, linked_by: actor.id, linked_at: now });
  const data = { problem: problemNumber(p.number), problemId: p.id, title: p.title };
  await insertTimelineEntry(trx, { ticket_id: t.id, kind: 'event', author_id: actor.id, body: '', event_type: 'problem_linked', data: JSON.stringify(data), created_at: now });
  await app.events.append(trx, { type: 'ticket.problem_linked', subjectType: 'ticket', subjectId: t.id, actorId: actor.id, data });
  await recordStep(trx, actor, p.id, 'incident_linked', { ticket: ticketNumber(t.number), ticketId: t.id }, now);
}

/** Opens a problem from one or more incidents (staff). */
export async function createProblem(app: AppContext, actor: Actor, input: { title: string; description?: string; incidents: string[] }) {
  assertMayWorkProblems(actor);
  const tickets = await loadIncidents(app, actor, input.incidents);
  const id = newId();
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    const number = await nextSequenceValue(trx, app.dialect, 'problem_number');
    await repo.insertProblem(trx, {
      id,
      number,
      title: input.title,
      description: input.description ?? '',
      status: 'open',
      root_cause: null,
      root_cause_category: null,
      workaround: null,
      kb_page_id: null,
      resolution: null,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
      resolved_at: null,
    });
    await recordStep(trx, actor, id, 'created', { title: input.title }, now);
    const p = (await repo.findProblem(trx, id))!;
    for (const t of tickets) await link(app, trx, actor, p, t, now);
  });
  return id;
}

/** The requests named, each once; a name that is no request is refused, naming it. */
async function loadIncidents(app: AppContext, actor: Actor, refs: string[]) {
  const tickets = new Map<string, TicketRow>();
  for (const ref of refs) {
    const t = await loadTicket(app.db, actor, ref).catch(() => {
      throw new Invalid(`No such request: ${ref}`, 'incidents');
    });
    tickets.set(t.id, t);
  }
  return [...tickets.values()];
}

export async function linkIncidents(app: AppContext, actor: Actor, ref: string, incidents: string[]) {
  const p = await loadProblem(app, actor, ref);
  const tickets = await loadIncidents(app, actor, incidents);
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    for (const t of tickets) await link(app, trx, actor, p, t, now);
    await repo.updateProblem(trx, p.id, { updated_at: now });
  });
}

export async function unlinkIncident(app: AppContext, actor: Actor, ref: string, ticketRef: string) {
  const p = await loadProblem(app, actor, ref);
  const t = await loadTicket(app.db, actor, ticketRef);
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    const r = await repo.deleteIncidentLink(trx, p.id, t.id);
    if (!Number(r.numDeletedRows)) throw new NotFound('Linked incident');
    const data = { problem: problemNumber(p.number), problemId: p.id, title: p.title };
    await insertTimelineEntry(trx, { ticket_id: t.id, kind: 'event', author_id: actor.id, body: '', event_type: 'problem_unlinked', data: JSON.stringify(data), created_at: now });
    await recordStep(trx, actor, p.id, 'incident_unlinked', { ticket: ticketNumber(t.number), ticketId: t.id }, now, { before: { ticketId: t.id }, after: {} });
  });
}

export interface ProblemPatch {
  title?: string;
  description?: string;
  rootCause?: string | null;
  rootCauseCategory?: RootCauseCategory | null;
  workaround?: string | null;
  status?: Exclude<ProblemStatus, 'resolved'>;
}

const FIELDS = { title: 'title', description: 'description', rootCause: 'root_cause', rootCauseCategory: 'root_cause_category', workaround: 'workaround', status: 'status' } as const;

/** Records what is known: the root cause and its category, the workaround; `known_error` once the cause is known. */
export async function updateProblem(app: AppContext, actor: Actor, ref: string, patch: ProblemPatch) {
  const p = await loadProblem(app, actor, ref);
  if (p.status === 'resolved' && patch.status) throw new Conflict('The problem is resolved', 'invalid_transition');
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(FIELDS)) {
    const v = patch[key as keyof ProblemPatch];
    if (v === undefined || v === p[column]) continue;
    before[key] = p[column];
    after[key] = v;
  }
  if (!Object.keys(after).length) return p.id;
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    await repo.updateProblem(trx, p.id, { ...Object.fromEntries(Object.entries(after).map(([k, v]) => [FIELDS[k as keyof typeof FIELDS], v])), updated_at: now });
    await recordStep(trx, actor, p.id, 'updated', { fields: Object.keys(after) }, now, { before, after });
  });
  return p.id;
}

/** Publishes the workaround as a knowledge-base article (in the chosen space and language); once. */
export async function publishWorkaround(app: AppContext, actor: Actor, ref: string, input: { spaceId?: string; locale?: Locale }) {
  const p = await loadProblem(app, actor, ref);
  if (!p.workaround?.trim()) throw new Invalid('Write the workaround first', 'workaround');
  if (p.kb_page_id) throw new Conflict('The workaround is already published', 'already_published', { pageId: p.kb_page_id });
  const locale = input.locale ?? actor.locale;
  const article = workaroundArticle(locale, { title: p.title, description: p.description, workaround: p.workaround });
  const now = app.clock.now().toISOString();
  return inTransaction(app.db, async (trx) => {
    const pageId = await createPage(within(app, trx), actor, { ...article, spaceId: input.spaceId, locale, tags: ['workaround', problemNumber(p.number).toLowerCase()] });
    await repo.updateProblem(trx, p.id, { kb_page_id: pageId, updated_at: now });
    await recordStep(trx, actor, p.id, 'workaround_published', { pageId, title: article.title }, now);
    return pageId;
  });
}

/**
 * Resolves a problem. Its open incidents may be told the resolution (a public reply on each) and
 * resolved with it, as the person resolving chooses.
 */
export async function resolveProblem(app: AppContext, actor: Actor, ref: string, input: { resolution: string; notifyIncidents: boolean; resolveIncidents: boolean }) {
  const p = await loadProblem(app, actor, ref);
  if (p.status === 'resolved') throw new Conflict('The problem is already resolved', 'invalid_transition');
  const now = app.clock.now().toISOString();
  return inTransaction(app.db, async (trx) => {
    const scoped = within(app, trx);
    const open = (await repo.listIncidents(trx, p.id)).filter((t) => ACTIVE.has(t.status));
    await repo.updateProblem(trx, p.id, { status: 'resolved', resolution: input.resolution, resolved_at: now, updated_at: now });
    for (const t of open) {
      const data = { problem: problemNumber(p.number), problemId: p.id, title: p.title };
      await insertTimelineEntry(trx, { ticket_id: t.id, kind: 'event', author_id: actor.id, body: '', event_type: 'problem_resolved', data: JSON.stringify(data), created_at: now });
      await app.events.append(trx, { type: 'ticket.problem_resolved', subjectType: 'ticket', subjectId: t.id, actorId: actor.id, data });
      if (input.notifyIncidents) await addComment(scoped, actor, t.id, { body: input.resolution, internal: false });
      if (input.resolveIncidents) await updateTicket(scoped, actor, t.id, { status: 'resolved' });
    }
    const incidents = open.map((t) => ticketNumber(t.number));
    await recordStep(trx, actor, p.id, 'resolved', { resolution: input.resolution, notified: input.notifyIncidents ? incidents : [], resolved: input.resolveIncidents ? incidents : [] }, now, { before: { status: p.status }, after: { status: 'resolved', resolution: input.resolution } });
    return { notified: input.notifyIncidents ? open.length : 0, resolved: input.resolveIncidents ? open.length : 0 };
  });
}

export const listProblems = (app: AppContext, actor: Actor, status?: ProblemStatus) => {
  assertMayWorkProblems(actor);
  return repo.listProblems(app.db, status);
};

export async function getProblem(app: AppContext, actor: Actor, ref: string) {
  const p = await loadProblem(app, actor, ref);
  const [incidents, events] = await Promise.all([repo.listIncidents(app.db, p.id), repo.listProblemEvents(app.db, p.id)]);
  return { problem: p, incidents, events };
}

/** The problem a request is linked to, if any (staff). */
export async function problemOfTicket(app: AppContext, actor: Actor, ticketRef: string) {
  assertMayWorkProblems(actor);
  const t = await loadTicket(app.db, actor, ticketRef);
  const link = await repo.findIncidentLink(app.db, t.id);
  return link ? (await repo.findProblem(app.db, link.problem_id)) ?? null : null;
}

/** Incidents per problem and per root-cause category. */
export async function problemReport(app: AppContext, actor: Actor) {
  assertMayWorkProblems(actor);
  const [problems, categories] = await Promise.all([repo.listProblems(app.db), repo.incidentsByCategory(app.db)]);
  return { problems, categories };
}
