import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import type { DomainEvent } from '../../core/events/events.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.js';
import { hashSecret, newId, newSecret } from '../../core/ids/ids.js';
import { domainOf, enqueueMail, newMessageId } from '../../core/mail/outbox.js';
import { within, type AppContext, type Db } from '../db.js';
import { findOrganization, findUserById, isStaff, toActor, type Actor, type UserRow } from '../identity/index.js';
import { addFeedNotices, notificationsPaused } from '../notifications/index.js';
import { holdClocks } from '../sla/index.js';
import { createTicket, findEntry, findTicketById, insertTimelineEntry, loadTicket, SYSTEM_ACTOR, ticketNumber, updateTicket, type TicketRow } from '../tickets/index.js';
import { decisionInReply, formatWindow, renderChangeNotice, type ChangeNotice } from './changes.messages.js';
import type { ApproverKind, ChangeTables, Decision, DecisionVia, Risk } from './changes.tables.js';
import * as repo from './changes.repo.js';

/** How long an approve/reject link in an e-mail works. */
export const APPROVAL_LINK_DAYS = 14;

export interface ChangeInput {
  risk: Risk;
  plan: string;
  rollbackPlan: string;
  windowStart: string;
  windowEnd: string;
  /** Whether it needs approval before work; true unless said otherwise. */
  needsApproval?: boolean;
}

export type ChangeRow = ChangeTables['changes'];
export type ApprovalRow = ChangeTables['change_approvals'];

export interface PlanChangeSettings {
  clientApproval: 'any' | 'all';
  providerApproval: boolean;
  pauseSla: boolean;
}
/** A plan without settings: one of the client's IT managers approves; the SLA waits meanwhile. */
export const DEFAULT_SETTINGS: PlanChangeSettings = { clientApproval: 'any', providerApproval: false, pauseSla: true };

export async function planSettings(db: Db, planId: string | null): Promise<PlanChangeSettings> {
  const row = planId ? await repo.findPlanSettings(db, planId) : undefined;
  return row ? { clientApproval: row.client_approval, providerApproval: Boolean(row.provider_approval), pauseSla: Boolean(row.pause_sla) } : DEFAULT_SETTINGS;
}

export async function getPlanSettings(app: AppContext, actor: Actor, planId: string) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff may read a plan’s settings');
  if (!(await app.db.selectFrom('plans').select('id').where('id', '=', planId).executeTakeFirst())) throw new NotFound('Plan');
  return planSettings(app.db, planId);
}

export async function putPlanSettings(app: AppContext, actor: Actor, planId: string, input: PlanChangeSettings) {
  if (actor.role !== 'admin') throw new Forbidden('Only an administrator may change a plan');
  if (!(await app.db.selectFrom('plans').select('id').where('id', '=', planId).executeTakeFirst())) throw new NotFound('Plan');
  await inTransaction(app.db, async (trx) => {
    const before = await planSettings(trx, planId);
    await repo.upsertPlanSettings(trx, { plan_id: planId, client_approval: input.clientApproval, provider_approval: input.providerApproval ? 1 : 0, pause_sla: input.pauseSla ? 1 : 0, updated_at: app.clock.now().toISOString() });
    await recordAudit(trx, { entityType: 'plan', entityId: planId, actorId: actor.id, action: 'change_settings_updated', before: { ...before }, after: { ...input } });
  });
  return planSettings(app.db, planId);
}

function checkWindow(input: ChangeInput) {
  const start = Date.parse(input.windowStart);
  const end = Date.parse(input.windowEnd);
  if (!(end > start)) throw new Invalid('The window must end after it starts', 'windowEnd');
}

/** A timeline entry of the change: public, so the client side follows its approval too. */
async function timeline(app: AppContext, db: Db, ticketId: string, actorId: string, eventType: string, data: Record<string, unknown>) {
  await insertTimelineEntry(db, { ticket_id: ticketId, kind: 'event', author_id: actorId, body: '', event_type: eventType, data: JSON.stringify(data), created_at: app.clock.now().toISOString() });
}

/**
 * Records a new request's change details and, when it needs approval, lays out the steps (the
 * client's IT managers, then the provider's change managers where the plan says) and asks the first.
 * Runs in the caller's transaction when there is one.
 */
export async function recordChange(app: AppContext, actor: Actor, ticketId: string, input: ChangeInput) {
  checkWindow(input);
  return inTransaction(app.db, async (trx) => {
    const a = within(app, trx);
    const t = (await findTicketById(trx, ticketId))!;
    if (t.type !== 'change') throw new Invalid('Only a request of type change has a change plan', 'type');
    if (await repo.findChange(trx, ticketId)) throw new Conflict('This request already has its change plan', 'change_exists');
    const org = await findOrganization(trx, t.organization_id);
    const settings = await planSettings(trx, org?.plan_id ?? null);
    const needsApproval = input.needsApproval ?? true;
    const steps: { kind: ApproverKind; mode: 'any' | 'all'; users: UserRow[] }[] = [];
    if (needsApproval) {
      const clientManagers = await repo.activeUsers(trx, { organizationId: t.organization_id, role: 'client_manager' });
      if (clientManagers.length) steps.push({ kind: 'client_manager', mode: settings.clientApproval, users: clientManagers });
      if (settings.providerApproval) steps.push({ kind: 'change_manager', mode: 'any', users: await repo.activeUsers(trx, { role: 'manager' }) });
      if (!steps.some((s) => s.users.length)) throw new Conflict('Nobody can approve this change: the organization has no IT manager', 'no_approvers');
    }
    const now = app.clock.now().toISOString();
    const pending = steps.length > 0;
    await repo.insertChange(trx, {
      ticket_id: ticketId,
      organization_id: t.organization_id,
      risk: input.risk,
      plan: input.plan,
      rollback_plan: input.rollbackPlan,
      window_start: new Date(input.windowStart).toISOString(),
      window_end: new Date(input.windowEnd).toISOString(),
      approval_state: pending ? 'pending' : 'not_required',
      current_step: pending ? 1 : null,
      pauses_sla: pending && settings.pauseSla ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
    for (const [i, s] of steps.entries())
      for (const u of s.users)
        await repo.insertApproval(trx, { id: newId(), ticket_id: ticketId, step: i + 1, kind: s.kind, mode: s.mode, user_id: u.id, decision: null, comment: null, via: null, decided_at: null, created_at: now });
    const details = { risk: input.risk, windowStart: input.windowStart, windowEnd: input.windowEnd, approval: pending ? 'pending' : 'not_required', steps: steps.map((s) => ({ kind: s.kind, mode: s.mode })) };
    await timeline(a, trx, ticketId, actor.id, 'change_planned', details);
    await recordAudit(trx, { entityType: 'ticket', entityId: ticketId, actorId: actor.id, action: 'change_planned', after: { ...input, steps: details.steps } });
    await app.events.append(trx, { type: 'change.planned', subjectType: 'ticket', subjectId: ticketId, actorId: actor.id, data: details });
    if (pending) {
      if (settings.pauseSla) await holdClocks(a, trx, ticketId, true, { reason: 'approval pending' });
      await askStep(a, trx, t, 1);
    }
  });
}

/** Staff make a change themselves: the request (type change) and its plan in one go. */
export async function createChange(
  app: AppContext,
  actor: Actor,
  input: ChangeInput & { subject: string; description: string; requesterId: string; categoryId?: string | null },
) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff may make a change this way; clients order one from the catalog');
  checkWindow(input);
  return inTransaction(app.db, async (trx) => {
    const a = within(app, trx);
    const id = await createTicket(a, actor, { subject: input.subject, description: input.description, requesterId: input.requesterId, categoryId: input.categoryId, type: 'change' });
    await recordChange(a, actor, id, input);
    return id;
  });
}

/** Asks a step's approvers: an e-mail with approve/reject links of their own, and an in-app notice. */
async function askStep(app: AppContext, db: Db, t: TicketRow, step: number) {
  const change = (await repo.findChange(db, t.id))!;
  const rows = (await repo.listApprovals(db, t.id)).filter((r) => r.step === step);
  const now = app.clock.now();
  for (const r of rows) {
    const user = await findUserById(db, r.user_id);
    if (!user?.active) continue;
    const token = newSecret();
    await repo.insertLink(db, { token_hash: hashSecret(token), approval_id: r.id, created_at: now.toISOString(), expires_at: new Date(now.getTime() + APPROVAL_LINK_DAYS * 86_400_000).toISOString() });
    const base = `${app.config.publicUrl}/approve/${token}`;
    await notify(app, db, t, user, {
      kind: 'change_approval_requested',
      risk: change.risk,
      plan: change.plan,
      rollbackPlan: change.rollback_plan,
      window: formatWindow(change.window_start, change.window_end, user.time_zone),
      approveLink: `${base}?decision=approve`,
      rejectLink: `${base}?decision=reject`,
    });
  }
  await timeline(app, db, t.id, SYSTEM_ACTOR.id, 'approval_requested', { step, kind: rows[0]?.kind, mode: rows[0]?.mode });
  await app.events.append(db, { type: 'change.approval_requested', subjectType: 'ticket', subjectId: t.id, actorId: null, data: { step, kind: rows[0]?.kind, approvers: rows.map((r) => r.user_id) } });
}

async function notify(app: AppContext, db: Db, t: TicketRow, user: UserRow, notice: ChangeNotice) {
  // Loading the demo data notifies nobody (its e-mailed links would lead nowhere anyway).
  if (notificationsPaused()) return;
  const org = await findOrganization(db, t.organization_id);
  const number = ticketNumber(t.number);
  const context = { number, subject: t.subject, link: `${app.config.publicUrl}/tickets/${number}`, organizationName: org?.name ?? '' };
  const m = renderChangeNotice(user.locale, notice, context);
  const now = app.clock.now().toISOString();
  await addFeedNotices(db, [{ user_id: user.id, event: notice.kind, ticket_id: t.id, title: m.title, body: m.body, link: context.link, created_at: now }]);
  if (user.email.endsWith('.invalid')) return;
  await enqueueMail(
    db,
    {
      to: user.email,
      subject: m.subject,
      text: m.text,
      messageId: newMessageId(domainOf(app.config.mailFrom), number),
      ticketId: t.id,
      replyTo: app.config.mailReplyTo,
      inReplyTo: null,
      references: [],
      headers: { 'X-Tierdesk-Ticket': number, 'X-Auto-Response-Suppress': 'OOF, AutoReply', 'Auto-Submitted': 'auto-generated' },
    },
    now,
  );
}

/** A change as its reader may see it, with its approval steps; NotFound outside their scope. */
export async function getChange(app: AppContext, actor: Actor, idOrNumber: string) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  const change = await repo.findChange(app.db, t.id);
  if (!change) throw new NotFound('Change');
  const approvals = await repo.listApprovalsWithNames(app.db, t.id);
  return { ticket: t, change, approvals };
}

/**
 * Records an approver's decision on the step now open. Approving passes the step when any one (or
 * every one, as the plan says) of its approvers approved, and then asks the next step or, after the
 * last, approves the change; rejecting rejects it at once and closes the request.
 */
export async function decide(app: AppContext, actor: Actor, idOrNumber: string, input: { decision: Decision; comment?: string | null }, via: DecisionVia) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  return inTransaction(app.db, async (trx) => {
    const a = within(app, trx);
    const change = await repo.findChange(trx, t.id, app.dialect);
    if (!change) throw new NotFound('Change');
    if (change.approval_state !== 'pending' || change.current_step === null)
      throw new Conflict(`This change is not waiting for approval (it is ${change.approval_state})`, 'approval_not_pending');
    const rows = await repo.listApprovals(trx, t.id);
    const step = rows.filter((r) => r.step === change.current_step);
    const mine = step.find((r) => r.user_id === actor.id);
    if (!mine) {
      if (rows.some((r) => r.user_id === actor.id && r.decision === null)) throw new Conflict('Your approval step is not open yet: an earlier step comes first', 'approval_step_not_open');
      throw new Forbidden('You are not an approver of this step of the change');
    }
    if (mine.decision) throw new Conflict('You have already decided on this change', 'already_decided');
    const now = app.clock.now().toISOString();
    const comment = input.comment?.trim() || null;
    await repo.recordDecision(trx, mine.id, { decision: input.decision, comment, via, decided_at: now });
    const data = { step: mine.step, kind: mine.kind, decision: input.decision, comment, via };
    await timeline(a, trx, t.id, actor.id, 'approval_decided', data);
    await recordAudit(trx, { entityType: 'ticket', entityId: t.id, actorId: actor.id, action: `change_${input.decision}`, after: data });
    await app.events.append(trx, { type: 'change.approval_decided', subjectType: 'ticket', subjectId: t.id, actorId: actor.id, data });

    if (input.decision === 'rejected') {
      await repo.updateChange(trx, t.id, { approval_state: 'rejected', current_step: null, updated_at: now });
      await timeline(a, trx, t.id, actor.id, 'change_rejected', { step: mine.step, comment });
      await app.events.append(trx, { type: 'change.rejected', subjectType: 'ticket', subjectId: t.id, actorId: actor.id, data: { step: mine.step, comment } });
      await tellOutcome(a, trx, t, actor, { kind: 'change_rejected', by: actor.name, comment });
      // Nothing is worked on a rejected change: the request closes (which stops its clocks).
      const current = (await findTicketById(trx, t.id))!;
      if (current.status !== 'closed') await updateTicket(a, SYSTEM_ACTOR, t.id, { status: 'closed' });
      return 'rejected' as const;
    }
    const approvedNow = step.filter((r) => r.decision === 'approved' || r.id === mine.id).length;
    const passed = mine.mode === 'any' || approvedNow === step.length;
    if (!passed) return 'pending' as const;
    const next = rows.find((r) => r.step > mine.step)?.step;
    if (next !== undefined) {
      await repo.updateChange(trx, t.id, { current_step: next, updated_at: now });
      await askStep(a, trx, t, next);
      return 'pending' as const;
    }
    await repo.updateChange(trx, t.id, { approval_state: 'approved', current_step: null, updated_at: now });
    await timeline(a, trx, t.id, actor.id, 'change_approved', {});
    await app.events.append(trx, { type: 'change.approved', subjectType: 'ticket', subjectId: t.id, actorId: actor.id, data: {} });
    if (change.pauses_sla) await holdClocks(a, trx, t.id, false, { reason: 'approved' });
    await tellOutcome(a, trx, t, actor, { kind: 'change_approved' });
    return 'approved' as const;
  });
}

/** The outcome goes to the requester, the assignee and the approvers who decided before, not to whoever decided last. */
async function tellOutcome(app: AppContext, db: Db, t: TicketRow, actor: Actor, notice: ChangeNotice) {
  const decided = (await repo.listApprovals(db, t.id)).filter((r) => r.decision).map((r) => r.user_id);
  const ids = new Set([t.requester_id, ...(t.assignee_id ? [t.assignee_id] : []), ...decided]);
  ids.delete(actor.id);
  for (const id of ids) {
    const u = await findUserById(db, id);
    if (u?.active) await notify(app, db, t, u, notice);
  }
}

/** What an approve/reject link opens: the change and the link's approver, or NotFound for a bad or spent link. */
export async function previewLink(app: AppContext, token: string) {
  const link = await repo.findLink(app.db, hashSecret(token));
  if (!link || link.expires_at < app.clock.now().toISOString()) throw new NotFound('Approval link');
  const approval = (await repo.findApproval(app.db, link.approval_id))!;
  const user = (await findUserById(app.db, approval.user_id))!;
  if (!user.active) throw new NotFound('Approval link');
  const actor = toActor(user);
  const detail = await getChange(app, actor, approval.ticket_id);
  return { ...detail, approval, actor };
}

/** The choice confirmed on the link's page: recorded as the link's approver's decision. */
export async function decideByLink(app: AppContext, token: string, input: { decision: Decision; comment?: string | null }) {
  const { approval, actor } = await previewLink(app, token);
  const state = await decide(app, actor, approval.ticket_id, input, 'link');
  return { ticketId: approval.ticket_id, state };
}

/** The approvals waiting for this person (their step is open), newest first. */
export const pendingForMe = (app: AppContext, actor: Actor) => repo.pendingApprovals(app.db, actor.id);

/** The change calendar: windows in [from, to), staff all (or one organization), a client IT manager their own. */
export async function calendar(app: AppContext, actor: Actor, q: { from: string; to: string; organizationId?: string; includePending?: boolean }) {
  if (!isStaff(actor) && actor.role !== 'client_manager') throw new Forbidden('The change calendar is for the staff and the client’s IT manager');
  if (!(Date.parse(q.to) > Date.parse(q.from))) throw new Invalid('`to` must come after `from`', 'to');
  const organizationId = isStaff(actor) ? q.organizationId : actor.organizationId!;
  if (!isStaff(actor) && q.organizationId && q.organizationId !== actor.organizationId) throw new Forbidden('You may only see your own organization’s changes');
  return repo.calendar(app.db, { from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString(), organizationId, states: q.includePending ? ['approved', 'not_required', 'pending'] : ['approved', 'not_required'] });
}

const WORK_STATUSES = new Set(['open', 'pending_vendor', 'resolved']);

/**
 * Whether a status change is the one a public reply brings with it (a staff answer opens a new
 * request, a client's answer one waiting for them): the reply's entry is then the one written just
 * before the status entry, by the same person at the same instant, in this transaction.
 */
async function causedByReply(db: Db, ticketId: string, actorId: string) {
  const [status, before] = await db.selectFrom('timeline_entries').select(['kind', 'author_id', 'event_type', 'created_at']).where('ticket_id', '=', ticketId).orderBy('id', 'desc').limit(2).execute();
  return status?.event_type === 'status_changed' && before?.kind === 'reply' && before.author_id === actorId && before.created_at === status.created_at;
}

/**
 * In the transaction of a status change: nothing is worked on a change waiting for approval or
 * rejected (409). A reply's own status change (a question to the client, the client's answer) is
 * let through, with the clocks held again where approval holds them.
 */
export async function guardStatusChange(app: AppContext, db: Db, e: DomainEvent) {
  const to = String(e.data?.to);
  if (!WORK_STATUSES.has(to)) return;
  const change = await repo.findChange(db, e.subjectId);
  if (!change || (change.approval_state !== 'pending' && change.approval_state !== 'rejected')) return;
  const reply = change.approval_state === 'pending' && to === 'open' && e.actorId !== null && (await causedByReply(db, e.subjectId, e.actorId));
  if (!reply)
    throw new Conflict(
      change.approval_state === 'pending'
        ? 'This change is waiting for approval: nothing is worked on it until it is approved (replies and internal notes are fine)'
        : 'This change was rejected: nothing is worked on it',
      change.approval_state === 'pending' ? 'approval_pending' : 'change_rejected',
    );
  if (change.pauses_sla) await holdClocks(app, db, e.subjectId, true, { reason: 'approval pending' });
}

/**
 * In the transaction of a reply: an approver's reply whose first line is "approve"/"согласовано" or
 * "reject"/"отклонено" (the e-mail answer to the approval request) is their decision.
 */
export async function onReply(app: AppContext, db: Db, e: DomainEvent) {
  if (!e.actorId) return;
  // Only a request of type change has a plan (recordChange): others need no look-up (the row is the transaction's own).
  if ((await findTicketById(db, e.subjectId))?.type !== 'change') return;
  const change = await repo.findChange(db, e.subjectId);
  if (change?.approval_state !== 'pending') return;
  const open = (await repo.listApprovals(db, e.subjectId)).find((r) => r.step === change.current_step && r.user_id === e.actorId && !r.decision);
  if (!open) return;
  const entry = await findEntry(db, e.subjectId, Number(e.data?.entryId));
  const said = entry && decisionInReply(entry.body);
  if (!said) return;
  const user = (await findUserById(db, e.actorId))!;
  await decide(app, toActor(user), e.subjectId, said, 'reply');
}
