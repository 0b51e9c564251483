import { CallEvent } from '../../../contracts/phone.js';
import { inTransaction } from '../../../core/db/connect.js';
import { Forbidden, Invalid, NotFound, Unauthorized } from '../../../core/errors.js';
import { validate } from '../../../core/http/validate.js';
import { newId } from '../../../core/ids/ids.js';
import { toE164 } from '../../../core/phone.js';
import { type AppContext, within } from '../../db.js';
import { SYSTEM_ACTOR } from '../../tickets/index.js';
import { lookup } from './calls.service.js';
import { applyEvent, outcomeOf, wasAnswered, type CallState } from './call-state.js';
import { agentOf, callerOf } from './callers.js';
import { afterAnswered, afterMissed } from './callbacks.service.js';
import * as repo from './phone.repo.js';
import type { Outcome } from './phone.tables.js';
import { checkSignature } from '../../../core/http/signature.js';
import { countInbound } from '../../../core/observability/metrics.js';


/** The outcomes that put an inbound call on the callback list. A failed call (the network's fault) does not. */
const CALL_BACK: (Outcome | null)[] = ['missed', 'busy', 'voicemail'];

/** The event's fields from the body: JSON, or the same fields form-encoded (empty form fields count as absent). */
function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if ((contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries([...new URLSearchParams(text)].filter(([, v]) => v !== ''));
  try {
    return JSON.parse(text);
  } catch {
    throw new Invalid('The body is not JSON (or application/x-www-form-urlencoded)', 'body');
  }
}

const stateOf = (c: repo.CallRow): CallState => ({
  started_at: c.started_at,
  answered_at: c.answered_at,
  ended_at: c.ended_at,
  talk_seconds: c.talk_seconds,
  cause: c.cause,
  reported_seconds: c.reported_seconds,
});

/**
 * Receives one signed call event from a PBX connector and brings the call up to date. Events may
 * come in any order and more than once: the same `eventId` again is answered as a duplicate and
 * changes nothing. An inbound call that ends unanswered goes on the callback list (opening a
 * request for a caller under contract); an answered outbound call to a number with an open
 * callback completes it.
 */
export async function receiveCallEvent(
  app: AppContext,
  connectorId: string,
  raw: Buffer,
  contentType: string | undefined,
  headers: Record<string, unknown>,
) {
  const connector = await repo.findConnector(app.db, connectorId);
  if (!connector) throw new NotFound('PBX connector');
  const refused = checkSignature(app.secrets.open(connector.secret), raw, headers, app.clock.now());
  if (refused) throw new Unauthorized(`Call event refused: ${refused}`);
  if (!connector.active) throw new Forbidden('This PBX connector is disabled');
  const e = validate(CallEvent, parseBody(raw, contentType), 'body');

  const party = e.direction === 'inbound' ? e.from : e.to;
  const number = toE164(party, app.config.phoneRegion);
  // An outbound call names its agent, or comes from the agent's own phone.
  const agentRef = e.agent ?? (e.direction === 'outbound' ? e.from : undefined);
  const [caller, agent] = await Promise.all([callerOf(app.db, number), agentOf(app, agentRef)]);
  const at = new Date(e.at).toISOString();
  const now = app.clock.now().toISOString();

  // An inbound call that ends with this event, counted once the event has committed.
  let ended: Outcome | null = null;
  const result = await inTransaction(app.db, async (trx) => {
    const seen = await repo.findEvent(trx, connector.id, e.eventId);
    if (seen) return { duplicate: true, callId: seen.call_id };
    await repo.insertCallIfNew(trx, {
      id: newId(),
      connector_id: connector.id,
      external_id: e.callId,
      direction: e.direction,
      from_number: e.from,
      to_number: e.to,
      number,
      user_id: caller?.id ?? null,
      organization_id: caller?.organization_id ?? connector.default_organization_id,
      agent_id: null,
      agent_ref: null,
      started_at: at,
      answered_at: null,
      ended_at: null,
      talk_seconds: 0,
      reported_seconds: null,
      cause: null,
      outcome: null,
      ticket_id: null,
      callback_status: null,
      callback_of: null,
      callback_done_at: null,
      callback_done_by: null,
      callback_call_id: null,
      work_entry_id: null,
      created_at: now,
      updated_at: now,
    });
    const call = await repo.lockCallByExternalId(trx, app.dialect, connector.id, e.callId);
    const fresh = await repo.insertEvent(trx, {
      connector_id: connector.id,
      event_id: e.eventId,
      call_id: call.id,
      type: e.type,
      payload: JSON.stringify(e),
      received_at: now,
    });
    if (!fresh) return { duplicate: true, callId: call.id };

    const before = stateOf(call);
    const after = applyEvent(before, e);
    const outcome = outcomeOf(after);
    if (call.direction === 'inbound' && outcomeOf(before) === null) ended = outcome;
    // The agent who answered is the call's agent; any other event names one only if none is known yet.
    const agentChange = agentRef && (e.type === 'answered' || !call.agent_id)
      ? { agent_id: agent?.id ?? call.agent_id, agent_ref: agentRef ?? call.agent_ref }
      : {};
    await repo.updateCall(trx, call.id, {
      started_at: after.started_at,
      answered_at: after.answered_at,
      ended_at: after.ended_at,
      talk_seconds: after.talk_seconds,
      reported_seconds: after.reported_seconds,
      cause: after.cause,
      outcome,
      ...agentChange,
      updated_at: now,
    });
    const updated = (await repo.findCall(trx, call.id))!;
    const w = within(app, trx);
    if (call.direction === 'inbound' && !CALL_BACK.includes(outcomeOf(before)) && CALL_BACK.includes(outcome) && !call.callback_status)
      await afterMissed(w, updated);
    if (!wasAnswered(before) && wasAnswered(after))
      await afterAnswered(w, updated);
    // Told to the live stream (staff only): the call log and callbacks change on screen, and a
    // ringing inbound call pops up for the agents.
    await app.events.append(trx, {
      type: e.type === 'hangup' ? 'call.ended' : `call.${e.type}`,
      subjectType: 'call',
      subjectId: call.id,
      actorId: null,
      data: { direction: call.direction, outcome },
    });
    return { duplicate: false, callId: call.id };
  });
  if (ended) countInbound('phone', ended);
  return result;
}

/**
 * Caller identification for a PBX's screen pop: signed with the connector's secret like its events,
 * over the query string exactly as sent (there is no body). Answers what an agent's lookup does.
 */
export async function connectorLookup(app: AppContext, connectorId: string, query: string, headers: Record<string, unknown>, number: string) {
  const connector = await repo.findConnector(app.db, connectorId);
  if (!connector) throw new NotFound('PBX connector');
  const refused = checkSignature(app.secrets.open(connector.secret), query, headers, app.clock.now());
  if (refused) throw new Unauthorized(`Lookup refused: ${refused}`);
  if (!connector.active) throw new Forbidden('This PBX connector is disabled');
  return lookup(app, SYSTEM_ACTOR, number);
}
