import type { RuleAction } from '../../contracts/actions.js';
import { Conflict, Invalid } from '../../core/errors.js';
import type { AppContext } from '../db.js';
import { getCanned, placeholderValues, renderPlaceholders } from '../canned/index.js';
import { handOff } from '../escalation/handoff.service.js';
import { findUserById, findUsersOnce, groupMemberIds, listActiveByRole, toActor, type Actor, type Line, type Locale, type Role, type UserRow } from '../identity/index.js';
import { deliverText } from '../notifications/index.js';
import { nextLine } from '../sla/index.js';
import { listWatchers, loadTicket, ticketNumber, updateTicket, type TicketRow } from '../tickets/index.js';
import { currentTimer, startTimer, stopTimer } from '../timetracking/index.js';
import { postToWebhook } from '../webhooks/index.js';

/** The actions only automation rules take (a macro is a person's click: they do these themselves). */
export type RuleOnlyAction = Extract<RuleAction, { type: 'notify' | 'escalate' | 'handoff' | 'webhook' | 'timer' }>;

/** One rule-only action, inside the caller's transaction, through the modules' own services. */
export async function applyRuleAction(app: AppContext, actor: Actor, ticketId: string, a: RuleOnlyAction): Promise<void> {
  const t = await loadTicket(app.db, actor, ticketId);
  switch (a.type) {
    case 'notify':
      return notify(app, actor, t, a);
    case 'escalate': {
      const line = nextLine(t.line);
      if (!line) throw new Conflict('The request is at the last line already', 'last_line');
      await updateTicket(app, actor, t.id, { line, reason: a.reason });
      return;
    }
    case 'handoff':
      await handOff(app, actor, t.id, { summary: a.note || t.subject });
      return;
    case 'webhook':
      await postToWebhook(app, app.db, a.webhookId, t.id, { type: 'automation.rule', actorId: actor.id, data: { rule: actor.name } });
      return;
    case 'timer': {
      if (!t.assignee_id) throw new Conflict('Nobody is assigned: whose timer?', 'no_assignee');
      const assignee = await findUserById(app.db, t.assignee_id);
      if (!assignee) throw new Conflict('The assignee is gone', 'no_assignee');
      const agent = toActor(assignee);
      const running = await currentTimer(app, agent);
      // Already as asked: nothing to do.
      if (a.timer === 'start' && running?.ticket_id === t.id) return;
      if (a.timer === 'stop' && running?.ticket_id !== t.id) return;
      if (a.timer === 'start') await startTimer(app, agent, t.id, { note: `${ticketNumber(t.number)}` });
      else await stopTimer(app, agent, t.id, {});
      return;
    }
  }
}

/** The people a notice goes to: by their place on the request, by role, or by id. */
async function recipients(app: AppContext, t: TicketRow, to: string): Promise<UserRow[]> {
  const db = app.db;
  const byIds = async (ids: (string | null)[]) => [...(await findUsersOnce(db, ids.filter((i): i is string => !!i))).values()];
  if (to === 'requester') return byIds([t.requester_id]);
  if (to === 'assignee') return byIds([t.assignee_id]);
  if (to === 'it_managers') return (await byIds((await listWatchers(db, t.id)).map((w) => w.id))).filter((u) => u.role === 'client_manager' && u.organization_id === t.organization_id);
  if (to === 'group') {
    if (!t.group_id) return [];
    return byIds(await groupMemberIds(db, t.group_id));
  }
  const oncall = /^role:l([123])_oncall$/.exec(to);
  if (oncall) {
    const line = `L${oncall[1]}` as Line;
    const agents = await listActiveByRole(db, 'agent', line);
    const onDuty = agents.filter((u) => u.availability !== 'offline');
    return onDuty.length ? onDuty : agents;
  }
  if (to.startsWith('role:')) return listActiveByRole(db, to.slice(5) as Role);
  return byIds([to]);
}

async function notify(app: AppContext, actor: Actor, t: TicketRow, a: Extract<RuleAction, { type: 'notify' }>) {
  const people = (await recipients(app, t, a.to)).filter((u) => u.active === 1 && (u.organization_id === null || u.organization_id === t.organization_id));
  if (!people.length) return;
  const { values } = await placeholderValues(app, actor, t);
  let textFor: (locale: Locale) => string;
  if (a.cannedReplyId) {
    const canned = await getCanned(app, actor, a.cannedReplyId);
    textFor = (locale) => renderPlaceholders((locale === 'ru' ? canned.body_ru : canned.body_en).trim() || canned.body_en || canned.body_ru, values);
  } else if (a.text) {
    const text = renderPlaceholders(a.text, values);
    textFor = () => text;
  } else throw new Invalid('A notice needs text or a canned reply', 'text');
  await deliverText(app, app.db, t, people, a.channel, textFor);
}
