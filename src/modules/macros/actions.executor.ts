import type { RuleAction } from '../../contracts/actions.js';
import { inTransaction } from '../../core/db/connect.js';
import { type AppContext, within } from '../db.js';
import type { Actor } from '../identity/index.js';
import { placeholderValues, renderCanned, renderPlaceholders } from '../canned/index.js';
import { linkSolution, listSolutions } from '../kb/index.js';
import { addComment, listTags, loadTicket, updateTicket, type UpdateTicketInput } from '../tickets/index.js';
import { createEntry } from '../timetracking/index.js';
import { applyRuleAction, type RuleOnlyAction } from './rule-actions.js';

type FieldAction = Extract<RuleAction, { type: 'status' | 'priority' | 'category' | 'line' | 'assignee' | 'group' | 'tags' | 'type' }>;
const FIELD_ACTIONS = new Set<RuleAction['type']>(['status', 'priority', 'category', 'line', 'assignee', 'group', 'tags', 'type']);
const isFieldAction = (a: RuleAction): a is FieldAction => FIELD_ACTIONS.has(a.type);
const RULE_ONLY = new Set<RuleAction['type']>(['notify', 'escalate', 'handoff', 'webhook', 'timer']);
const isRuleOnly = (a: RuleAction): a is RuleOnlyAction => RULE_ONLY.has(a.type);

/** Field changes in a row, gathered into one: the tags to add on top of those the request has. */
type FieldChange = Omit<UpdateTicketInput, 'tags'> & { addTags?: string[] };

/**
 * Applies a list of actions to one request as `actor`, all or nothing: every action runs in one
 * transaction through the service a person's change goes through (permissions, timeline, SLA
 * clocks, notifications), and the first refusal undoes the ones before it. Field changes next to
 * each other are made as one change, as a person setting several fields and saving once (a later
 * one of the same field wins). Returns the request's id.
 */
export function applyActions(app: AppContext, actor: Actor, ticketRef: string, actions: readonly RuleAction[]): Promise<string> {
  return inTransaction(app.db, async (trx) => {
    const ctx = within(app, trx);
    const { id } = await loadTicket(trx, actor, ticketRef);
    let change: FieldChange | undefined;
    // The action being applied (for field changes made as one, the first of them), named when it fails.
    let at = 0;
    let changeAt = 0;
    try {
      for (const [i, action] of actions.entries()) {
        if (isFieldAction(action)) {
          if (!change) changeAt = i;
          change = withField(change ?? {}, action, actor);
          continue;
        }
        at = changeAt;
        if (change) await applyFields(ctx, actor, id, change);
        change = undefined;
        at = i;
        if (isRuleOnly(action)) await applyRuleAction(ctx, actor, id, action);
        else await applyAction(ctx, actor, id, action);
      }
      at = changeAt;
      if (change) await applyFields(ctx, actor, id, change);
    } catch (err) {
      if (err !== null && typeof err === 'object') failedAt.set(err, at);
      throw err;
    }
    return id;
  });
}

const failedAt = new WeakMap<object, number>();

/** Which of the actions (its index) threw `err` in applyActions; undefined when none of them did. */
export const failedActionIndex = (err: unknown): number | undefined => (err !== null && typeof err === 'object' ? failedAt.get(err) : undefined);

function withField(change: FieldChange, a: FieldAction, actor: Actor): FieldChange {
  switch (a.type) {
    case 'status':
      return { ...change, status: a.status };
    case 'priority':
      return { ...change, priority: a.priority };
    case 'category':
      return { ...change, categoryId: a.categoryId };
    case 'line':
      return { ...change, line: a.line, reason: a.reason };
    case 'assignee':
      return { ...change, assigneeId: a.assigneeId === 'me' ? actor.id : a.assigneeId };
    case 'group':
      return { ...change, groupId: a.groupId };
    case 'tags':
      return { ...change, addTags: [...(change.addTags ?? []), ...a.add] };
    case 'type':
      return { ...change, type: a.ticketType };
  }
}

async function applyFields(app: AppContext, actor: Actor, ticketId: string, { addTags, ...fields }: FieldChange) {
  const tags = addTags && [...(await listTags(app.db, ticketId)), ...addTags];
  await updateTicket(app, actor, ticketId, { ...fields, ...(tags && { tags }) });
}

/** One action other than a field change, inside the caller's transaction. */
async function applyAction(app: AppContext, actor: Actor, ticketId: string, a: Exclude<RuleAction, FieldAction | RuleOnlyAction>): Promise<void> {
  switch (a.type) {
    case 'reply': {
      const { text } = await renderCanned(app, actor, a.cannedReplyId, ticketId);
      await addComment(app, actor, ticketId, { body: text, internal: false });
      return;
    }
    case 'note': {
      const { values } = await placeholderValues(app, actor, await loadTicket(app.db, actor, ticketId));
      await addComment(app, actor, ticketId, { body: renderPlaceholders(a.body, values), internal: true });
      return;
    }
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
