import type { Action } from '../../contracts/actions.js';
import { inTransaction } from '../../core/db/connect.js';
import { type AppContext, within } from '../db.js';
import type { Actor } from '../identity/index.js';
import { placeholderValues, renderCanned, renderPlaceholders } from '../canned/index.js';
import { linkSolution, listSolutions } from '../kb/index.js';
import { addComment, listTags, loadTicket, updateTicket } from '../tickets/index.js';
import { createEntry } from '../timetracking/index.js';

/**
 * Applies a list of actions to one request as `actor`, all or nothing: every action runs in one
 * transaction through the service a person's change goes through (permissions, timeline, SLA
 * clocks, notifications), and the first refusal undoes the ones before it. Returns the request's id.
 */
export function applyActions(app: AppContext, actor: Actor, ticketRef: string, actions: readonly Action[]): Promise<string> {
  return inTransaction(app.db, async (trx) => {
    const ctx = within(app, trx);
    const { id } = await loadTicket(trx, actor, ticketRef);
    for (const action of actions) await applyAction(ctx, actor, id, action);
    return id;
  });
}

/** One action on one request, inside the caller's transaction. */
async function applyAction(app: AppContext, actor: Actor, ticketId: string, a: Action): Promise<void> {
  switch (a.type) {
    case 'reply': {
      const { text } = await renderCanned(app, actor, a.cannedReplyId, ticketId);
      await addComment(app, actor, ticketId, { body: text, internal: false });
      return;
    }
    case 'note': {
      const { values } = await placeholderValues(app.db, actor, await loadTicket(app.db, actor, ticketId));
      await addComment(app, actor, ticketId, { body: renderPlaceholders(a.body, values), internal: true });
      return;
    }
    case 'status':
      await updateTicket(app, actor, ticketId, { status: a.status });
      return;
    case 'priority':
      await updateTicket(app, actor, ticketId, { priority: a.priority });
      return;
    case 'category':
      await updateTicket(app, actor, ticketId, { categoryId: a.categoryId });
      return;
    case 'line':
      await updateTicket(app, actor, ticketId, { line: a.line, reason: a.reason });
      return;
    case 'assignee':
      await updateTicket(app, actor, ticketId, { assigneeId: a.assigneeId === 'me' ? actor.id : a.assigneeId });
      return;
    case 'group':
      await updateTicket(app, actor, ticketId, { groupId: a.groupId });
      return;
    case 'tags':
      await updateTicket(app, actor, ticketId, { tags: [...(await listTags(app.db, ticketId)), ...a.add] });
      return;
    case 'time': {
      const startedAt = new Date(app.clock.now().getTime() - a.minutes * 60_000).toISOString();
      await createEntry(app, actor, ticketId, { startedAt, minutes: a.minutes, activity: a.activity, billable: a.billable, note: a.note });
      return;
    }
    case 'kb':
      // Already the request's solution: nothing to do (a macro may be applied twice).
      if ((await listSolutions(app, actor, ticketId)).some((p) => p.id === a.pageId)) return;
      await linkSolution(app, actor, ticketId, a.pageId);
      return;
  }
}
