import { Conflict, NotFound } from '../../../core/errors.js';
import { inTransaction } from '../../../core/db/connect.js';
import { type AppContext, within } from '../../db.js';
import { findUserById, type Actor, type Locale } from '../../identity/index.js';
import { addComment, createTicket, findTicketById, SYSTEM_ACTOR } from '../../tickets/index.js';
import { contractOf } from './callers.js';
import * as m from './phone.messages.js';
import { assertMayUsePhone } from './phone.policy.js';
import * as repo from './phone.repo.js';

/**
 * An inbound call ended unanswered (in the caller's transaction). A repeated missed call from a
 * number whose callback is still open joins it (and its request gets a note); otherwise the call
 * opens a callback, and, when the caller is a person of an organization whose contract is in force
 * and covers the telephone, a request at L1 in the caller's language — so the SLA clocks start.
 * A call without a number (anonymous) cannot be called back and is only logged.
 */
export async function afterMissed(app: AppContext, call: repo.CallRow) {
  if (!call.number) return;
  const now = app.clock.now().toISOString();
  const timeZone = app.config.providerTimeZone;
  const caller = call.user_id ? await findUserById(app.db, call.user_id) : undefined;
  const locale: Locale = (caller?.locale as Locale | undefined) ?? 'en';
  const head = await repo.findOpenCallback(app.db, call.number);
  if (head && head.id !== call.id) {
    await repo.updateCall(app.db, call.id, { callback_status: 'merged', callback_of: head.id, ticket_id: head.ticket_id, updated_at: now });
    if (head.ticket_id) {
      const count = 1 + ((await repo.mergedCounts(app.db, [head.id])).get(head.id)?.count ?? 0);
      await addComment(app, SYSTEM_ACTOR, head.ticket_id, {
        body: m.repeatedMissedCall(locale, { number: call.number, at: call.started_at, timeZone, count }),
        internal: true,
      });
      await missed(app, call, head.ticket_id);
    }
    return;
  }
  let ticketId: string | null = null;
  const contract = caller?.organization_id ? await contractOf(app, app.db, caller.organization_id) : undefined;
  if (caller && contract?.inForce && contract.phoneSupport)
    ticketId = await createTicket(
      app,
      SYSTEM_ACTOR,
      {
        subject: m.missedCallSubject(locale, caller.name),
        description: m.missedCallDescription(locale, { name: caller.name, number: call.number, at: call.started_at, timeZone }),
        requesterId: caller.id,
        type: 'incident',
      },
      'phone',
    );
  await repo.updateCall(app.db, call.id, { callback_status: 'open', ticket_id: ticketId, updated_at: now });
  if (ticketId) await missed(app, call, ticketId);
}

/** The request a missed call was put on hears of it (automation rules run on `call.missed`). */
const missed = (app: AppContext, call: repo.CallRow, ticketId: string) =>
  app.events.append(app.db, { type: 'call.missed', subjectType: 'ticket', subjectId: ticketId, actorId: null, data: { callId: call.id, number: call.number } });

/**
 * Someone picked up (in the caller's transaction). An outbound call to a number with an open
 * callback completes it, noting so on its request; an inbound call that had been taken for missed
 * (its answer arrived after its hang-up) closes its own callback.
 */
export async function afterAnswered(app: AppContext, call: repo.CallRow) {
  const at = call.answered_at ?? call.ended_at ?? call.started_at;
  if (call.direction === 'inbound') {
    if (call.callback_status === 'open') {
      await repo.completeCallback(app.db, call.id, { at, by: call.agent_id, callId: call.id });
      // The request the "missed" call opened stays (someone may have worked on it): it is told why no callback comes.
      if (call.ticket_id) {
        const agent = call.agent_id ? await findUserById(app.db, call.agent_id) : undefined;
        await addComment(app, SYSTEM_ACTOR, call.ticket_id, { body: m.answeredAfterAll((agent?.locale as Locale | undefined) ?? 'en', agent?.name ?? null), internal: true });
      }
    }
    else if (call.callback_status === 'merged')
      await repo.updateCall(app.db, call.id, { callback_status: 'done', callback_done_at: at, callback_done_by: call.agent_id, callback_call_id: call.id });
    return;
  }
  if (!call.number) return;
  const head = await repo.findOpenCallback(app.db, call.number);
  if (!head || head.started_at > call.started_at) return;
  await repo.completeCallback(app.db, head.id, { at, by: call.agent_id, callId: call.id });
  if (head.ticket_id) {
    const agent = call.agent_id ? await findUserById(app.db, call.agent_id) : undefined;
    const locale = (agent?.locale as Locale | undefined) ?? 'en';
    await addComment(app, SYSTEM_ACTOR, head.ticket_id, {
      body: m.calledBack(locale, { agent: agent?.name ?? call.agent_ref ?? call.from_number, at, timeZone: app.config.providerTimeZone }),
      internal: true,
    });
  }
}

/** The callback a call belongs to: its own, or the one it was merged into. */
async function headOf(app: AppContext, callId: string) {
  const call = await repo.findCall(app.db, callId);
  if (!call || !call.callback_status) throw new NotFound('Callback');
  if (call.callback_status !== 'merged' || !call.callback_of) return call;
  return (await repo.findCall(app.db, call.callback_of)) ?? call;
}

/** An agent says the caller has been dealt with (called back from a phone the PBX does not see, say). */
export async function markCallbackDone(app: AppContext, actor: Actor, callId: string) {
  assertMayUsePhone(actor);
  const head = await headOf(app, callId);
  if (head.callback_status !== 'open') throw new Conflict('This callback is not open', 'callback_not_open');
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    await repo.completeCallback(trx, head.id, { at: now, by: actor.id, callId: null });
    await app.events.append(trx, { type: 'call.callback_done', subjectType: 'call', subjectId: head.id, actorId: actor.id });
    if (head.ticket_id && (await findTicketById(trx, head.ticket_id)))
      await addComment(within(app, trx), SYSTEM_ACTOR, head.ticket_id, { body: m.callbackMarkedDone(actor.locale, actor.name), internal: true });
  });
  return { head: (await repo.findCall(app.db, head.id))!, merged: (await repo.mergedCounts(app.db, [head.id])).get(head.id) };
}

/** The callback list: open callbacks oldest first (or the done ones, latest first). */
export async function listCallbacks(app: AppContext, actor: Actor, q: { status: 'open' | 'done'; limit: number }) {
  assertMayUsePhone(actor);
  const heads = (await repo.listCallbacks(app.db, q.status, q.limit)).filter((c) => !c.callback_of);
  const merged = await repo.mergedCounts(app.db, heads.map((h) => h.id));
  return heads.map((h) => ({ head: h, merged: merged.get(h.id) }));
}
