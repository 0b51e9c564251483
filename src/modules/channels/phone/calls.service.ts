import { Conflict, Forbidden, Invalid, NotFound } from '../../../core/errors.js';
import { inTransaction } from '../../../core/db/connect.js';
import { toE164 } from '../../../core/phone.js';
import { type AppContext, within } from '../../db.js';
import { findUserById, isManager, toActor, type Actor } from '../../identity/index.js';
import { addComment, createTicket, listTickets, loadTicket, SYSTEM_ACTOR } from '../../tickets/index.js';
import { createEntry, localTime, organizationMinutes } from '../../timetracking/index.js';
import { contractOf, peopleWithNumber } from './callers.js';
import * as m from './phone.messages.js';
import { assertMayUsePhone } from './phone.policy.js';
import * as repo from './phone.repo.js';
import type { Direction, Outcome } from './phone.tables.js';

export interface CallListInput {
  outcome?: Outcome[];
  direction?: Direction;
  agentId?: string;
  from?: string;
  to?: string;
  number?: string;
  cursor?: string;
  limit: number;
}

/** A number a person typed, in E.164, or 400 naming the field. */
export function e164(app: AppContext, raw: string, field = 'number') {
  const n = toE164(raw, app.config.phoneRegion);
  if (!n) throw new Invalid(`${raw} is not a valid phone number`, field);
  return n;
}

/** One page of the call log, newest first; `nextCursor` fetches the next. */
export async function listCalls(app: AppContext, actor: Actor, q: CallListInput) {
  assertMayUsePhone(actor);
  let after: [string, string] | undefined;
  if (q.cursor) {
    try {
      const v = JSON.parse(Buffer.from(q.cursor, 'base64url').toString()) as unknown;
      if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'string') throw new Error();
      after = [new Date(v[0]).toISOString(), v[1]];
    } catch {
      throw new Invalid('The cursor is not one this list gave out', 'cursor');
    }
  }
  const rows = await repo.listCalls(app.db, {
    outcomes: q.outcome,
    direction: q.direction,
    agentId: q.agentId === 'me' ? actor.id : q.agentId,
    // Instants compare as stored (ISO-8601 UTC text on SQLite): bring any offset to that form.
    from: q.from && new Date(q.from).toISOString(),
    to: q.to && new Date(q.to).toISOString(),
    number: q.number && e164(app, q.number),
    after,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > q.limit && last ? Buffer.from(JSON.stringify([last.started_at, last.id])).toString('base64url') : null;
  return { rows: page, nextCursor };
}

export async function getCall(app: AppContext, actor: Actor, id: string) {
  assertMayUsePhone(actor);
  const c = await repo.findCall(app.db, id);
  if (!c) throw new NotFound('Call');
  return c;
}

const OPEN_STATUSES = ['new', 'open', 'pending_customer', 'pending_vendor'] as const;

/**
 * Who is calling: the person with the number, their organization, plan and contract (with this
 * month's billable minutes), their open requests and the number's recent calls. An unknown number
 * answers with `caller: null`. `actor` is the agent, or the system for a PBX's screen pop.
 */
export async function lookup(app: AppContext, actor: Actor, raw: string) {
  assertMayUsePhone(actor);
  const number = e164(app, raw);
  const people = await peopleWithNumber(app.db, number);
  const caller = people[0];
  const [calls, open] = await Promise.all([repo.recentCalls(app.db, number, 5), repo.findOpenCallback(app.db, number)]);
  let organization = null;
  let plan = null;
  let contract = null;
  let openRequests: Awaited<ReturnType<typeof listTickets>>['rows'] = [];
  if (caller?.organization_id) {
    const c = await contractOf(app, app.db, caller.organization_id);
    if (c) {
      organization = c.org;
      plan = c.plan ? { ...c.plan, phoneSupport: c.phoneSupport } : null;
      const { from, to } = localTime.monthBounds(localTime.monthOf(app.clock.now(), app.config.providerTimeZone), app.config.providerTimeZone);
      contract = {
        active: c.inForce,
        startsOn: c.org.contract_starts_on,
        endsOn: c.org.contract_ends_on,
        includedMinutes: (c.plan?.included_hours ?? 0) * 60,
        billableMinutesThisMonth: (await organizationMinutes(app.db, c.org.id, from, to)).billable,
      };
    }
    openRequests = (await listTickets(app, SYSTEM_ACTOR, { requesterId: caller.id, statuses: [...OPEN_STATUSES], sort: '-updated', limit: 10 })).rows;
  }
  return { number, caller, alsoMatches: people.slice(1), organization, plan, contract, openRequests, recentCalls: calls, openCallback: open?.id ?? null };
}

export interface CallTicketInput {
  ticketId?: string;
  subject?: string;
  description?: string;
  requesterId?: string;
}

/**
 * Links a call to a request: a new one (channel phone; the requester is the caller unless the agent
 * names one), or an open one of the caller's organization. The request gets an internal note with
 * the call's summary, and the talk time is recorded once as the agent's work (minutes rounded up).
 * A call of a known organization goes only to that organization's requests.
 */
export async function ticketFromCall(app: AppContext, actor: Actor, callId: string, input: CallTicketInput) {
  assertMayUsePhone(actor);
  const call = await getCall(app, actor, callId);
  if (!call.ended_at) throw new Conflict('The call is still in progress; link it when it has ended', 'call_in_progress');
  if (call.ticket_id) throw new Conflict('The call is already linked to a request', 'call_linked', { ticketId: call.ticket_id });
  const number = call.number ?? (call.direction === 'inbound' ? call.from_number : call.to_number);
  let requesterId: string | undefined;
  if (input.ticketId) {
    const t = await loadTicket(app.db, actor, input.ticketId);
    if (call.organization_id && t.organization_id !== call.organization_id)
      throw new Forbidden("A call can only be added to a request of the caller's organization");
    if (t.status === 'resolved' || t.status === 'closed') throw new Conflict(`The request is ${t.status}; make a new one`, 'invalid_status');
  } else {
    requesterId = input.requesterId ?? call.user_id ?? undefined;
    if (!requesterId) throw new Invalid('The caller is unknown: name the requester (requesterId)', 'requesterId');
    const requester = await findUserById(app.db, requesterId);
    if (!requester?.organization_id) throw new Invalid('No such requester in a client organization', 'requesterId');
    if (call.organization_id && requester.organization_id !== call.organization_id)
      throw new Forbidden("The requester must belong to the caller's organization");
  }
  // The talk time is the call's agent's work; recorded by them, or by a manager on their behalf.
  const agentId = call.agent_id ?? actor.id;
  const agentUser = agentId === actor.id ? undefined : await findUserById(app.db, agentId);
  const recorder = agentUser && !isManager(actor) ? toActor(agentUser) : actor;
  const now = app.clock.now().toISOString();

  return inTransaction(app.db, async (trx) => {
    const w = within(app, trx);
    // Two agents linking the same call at once: the second finds it linked.
    const locked = await repo.lockCall(trx, app.dialect, call.id);
    if (!locked || locked.ticket_id) throw new Conflict('The call is already linked to a request', 'call_linked');
    const summary = m.callSummary(actor.locale, {
      direction: call.direction,
      number,
      at: call.answered_at ?? call.started_at,
      timeZone: app.config.providerTimeZone,
      talkSeconds: call.talk_seconds,
      agent: agentUser?.name ?? (agentId === actor.id ? actor.name : null),
    });
    const ticketId =
      input.ticketId
        ? (await loadTicket(trx, actor, input.ticketId)).id
        : await createTicket(w, actor, { subject: input.subject!, description: input.description || summary, requesterId }, 'phone');
    await addComment(w, actor, ticketId, { body: summary, internal: true });
    let workEntryId: string | null = null;
    if (call.talk_seconds > 0 && !locked.work_entry_id) {
      const minutes = Math.ceil(call.talk_seconds / 60);
      // The entry ends when the call ended: rounding up must not put work in the future.
      const end = Math.min(Date.parse(call.ended_at!), app.clock.now().getTime());
      const startedAt = new Date(end - minutes * 60_000).toISOString();
      workEntryId = await createEntry(w, recorder, ticketId, {
        startedAt,
        minutes,
        activity: 'call',
        note: m.workNote(number),
        agentId,
      });
    }
    await repo.updateCall(trx, call.id, { ticket_id: ticketId, work_entry_id: workEntryId ?? locked.work_entry_id, updated_at: now });
    return { ticketId, created: !input.ticketId, workEntryId };
  });
}
