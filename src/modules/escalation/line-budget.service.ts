import { inTransaction } from '../../core/db/connect.js';
import { Conflict, Forbidden } from '../../core/errors.js';
import type { AppContext, Db } from '../db.js';
import { isManager, type Actor } from '../identity/index.js';
import { findClock, nextLine } from '../sla/index.js';
import { changeAutomatically, loadTicket, recordTimelineEvent, ticketNumber, type TicketRow } from '../tickets/index.js';
import { assertMayWork } from '../tickets/tickets.policy.js';

/**
 * What the agent holding a request may do when its line's time budget runs low: move it on now,
 * or keep it past the budget, saying why (then it is not moved by time; the manager sees it).
 */
async function loadForBudget(app: AppContext, actor: Actor, idOrNumber: string) {
  assertMayWork(actor);
  const t = await loadTicket(app.db, actor, idOrNumber);
  if (t.assignee_id !== actor.id && !isManager(actor)) throw new Forbidden('Only the agent the request is assigned to, or a manager, may decide on its time budget');
  const clock = await findClock(app.db, t.id, 'line');
  const to = nextLine(t.line);
  if (!clock || clock.state === 'stopped' || !to || ['resolved', 'closed'].includes(t.status))
    throw new Conflict(`The request has no running time budget at ${t.line}`, 'no_line_budget');
  return { t, clock, to };
}

/** Moves the request to the next line now, before its budget is used up. */
export async function escalateNow(app: AppContext, actor: Actor, idOrNumber: string) {
  const { t, to } = await loadForBudget(app, actor, idOrNumber);
  await changeAutomatically(app, t.id, { line: to, reason: { code: 'budget_escalated_early', params: { line: t.line } }, by: 'hand' }, actor);
  return t.id;
}

/** Keeps the request at its line past the budget, with the agent's reason on its timeline. */
export async function keepPastBudget(app: AppContext, actor: Actor, idOrNumber: string, note: string) {
  const { t, clock } = await loadForBudget(app, actor, idOrNumber);
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    const row = { ticket_id: t.id, cycle: clock.cycle, line: t.line, kept_by: actor.id, note, kept_at: now };
    // A second word in the same cycle replaces the first: the latest reason is the one that stands.
    await trx
      .insertInto('line_budget_keeps')
      .values(row)
      .onConflict((oc) => oc.columns(['ticket_id', 'cycle']).doUpdateSet({ kept_by: actor.id, note, kept_at: now }))
      .execute();
    await recordTimelineEvent(app, trx, actor, t.id, 'budget_kept', { line: t.line, reason: note });
  });
  return t.id;
}

/** Whether the request's current line cycle is kept past its budget (the budget timer then leaves it). */
export async function isKept(db: Db, ticket: Pick<TicketRow, 'id'>, cycle: number) {
  return Boolean(await db.selectFrom('line_budget_keeps').select('ticket_id').where('ticket_id', '=', ticket.id).where('cycle', '=', cycle).executeTakeFirst());
}

/** For the manager: requests kept at their line past the time budget, who keeps them and why; longest over first. */
export async function listKeptPastBudget(app: AppContext, actor: Actor) {
  if (!isManager(actor)) throw new Forbidden('Only a service desk manager sees who keeps requests past the budget');
  const now = app.clock.now().toISOString();
  const rows = await app.db
    .selectFrom('line_budget_keeps as k')
    .innerJoin('sla_clocks as c', (j) => j.onRef('c.ticket_id', '=', 'k.ticket_id').on('c.metric', '=', 'line').onRef('c.cycle', '=', 'k.cycle'))
    .innerJoin('tickets as t', 't.id', 'k.ticket_id')
    .innerJoin('users as u', 'u.id', 'k.kept_by')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .select(['t.id', 't.number', 't.subject', 'k.line', 'k.note', 'k.kept_at', 'c.deadline', 'u.id as agent_id', 'u.name as agent_name', 'o.name as organization_name'])
    .where('c.state', '=', 'running')
    .where('c.deadline', '<', now)
    .where('t.status', 'not in', ['resolved', 'closed'])
    .orderBy('c.deadline')
    .execute();
  return rows.map((r) => ({
    ticket: { id: r.id, number: ticketNumber(r.number), subject: r.subject },
    organizationName: r.organization_name,
    line: r.line,
    agent: { id: r.agent_id, name: r.agent_name },
    note: r.note,
    keptAt: r.kept_at,
    deadline: r.deadline!,
  }));
}
