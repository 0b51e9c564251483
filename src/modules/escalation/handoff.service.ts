import { FIXED_STATUSES, TrackerAnswer, TrackerEvent } from '../../contracts/escalation.js';
import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { isUniqueViolation } from '../../core/db/dialect.js';
import { Conflict, Forbidden, Invalid, NotFound, Unauthorized } from '../../core/errors.js';
import { validate } from '../../core/http/validate.js';
import { newId } from '../../core/ids/ids.js';
import {
  scheduleTimer,
  TIMER_MAX_ATTEMPTS,
  timerRetryDelayMs,
  type DueTimer,
} from '../../core/jobs/timers.js';
import { type AppContext, type Db, within } from '../db.js';
import { findOrganization, isManager, isStaff, type Actor } from '../identity/index.js';
import {
  addComment,
  findTicketById,
  loadTicket,
  SYSTEM_ACTOR,
  ticketNumber,
  updateTicket,
  type TicketRow,
} from '../tickets/index.js';
import * as repo from './handoff.repo.js';
import { checkSignature, signedHeaders } from '../../core/http/signature.js';

/** The timer that sends a hand-off to the tracker: after the commit, retried until it gets through. */
export const HANDOFF_TIMER = 'escalation.handoff';
const TRACKER_TIMEOUT_MS = 10_000;


const openHandOff = () => new Conflict('This request is already with the developers', 'handoff_open');

/** Staff at L2 or L3, or a manager: the people who decide that a defect is the developers' to fix. */
function assertMayHandOff(actor: Actor) {
  if (!isStaff(actor))
    throw new Forbidden('Only the service desk staff may hand a request to the developers');
  if (!isManager(actor) && actor.line !== 'L2' && actor.line !== 'L3')
    throw new Forbidden('Only L2 or L3 engineers or a manager may hand a request to the developers');
}

/**
 * Hands a business-application defect to the software developers: records the hand-off with an
 * internal note and sets the timer that creates the item in their tracker after the commit (the
 * call is never made inside the request, so a slow or failing tracker loses nothing).
 */
export async function handOff(app: AppContext, actor: Actor, idOrNumber: string, input: { summary: string }) {
  assertMayHandOff(actor);
  if (!app.config.devTrackerUrl)
    throw new Conflict("The developers' tracker is not configured (DEV_TRACKER_URL)", 'not_configured');
  const t = await loadTicket(app.db, actor, idOrNumber);
  if (t.line === 'L1')
    throw new Conflict(
      'Only a request at L2 or L3 can go to the developers; escalate it first',
      'wrong_line',
    );
  if (t.status === 'resolved' || t.status === 'closed')
    throw new Conflict(`A ${t.status} request cannot go to the developers`, 'invalid_status');
  const id = newId();
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    if (await repo.findOpenItem(trx, t.id)) throw openHandOff();
    try {
      await repo.insertItem(trx, {
        id,
        ticket_id: t.id,
        external_id: null,
        url: null,
        status: 'pending',
        tracker_status: null,
        summary: input.summary,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
        fixed_at: null,
        last_error: null,
      });
    } catch (err) {
      // Someone else handed it off between our check and our insert.
      if (isUniqueViolation(err)) throw openHandOff();
      throw err;
    }
    await addComment(within(app, trx), actor, t.id, {
      body: `Handed off to the software developers: ${input.summary}`,
      internal: true,
    });
    await app.events.append(trx, {
      type: 'ticket.handed_off',
      subjectType: 'ticket',
      subjectId: t.id,
      actorId: actor.id,
      data: { itemId: id },
    });
    await recordAudit(trx, {
      entityType: 'developer_item',
      entityId: id,
      actorId: actor.id,
      action: 'created',
      after: { ticketId: t.id, summary: input.summary },
    });
    await scheduleTimer(trx, {
      key: `handoff:${id}`,
      kind: HANDOFF_TIMER,
      subjectId: t.id,
      dueAt: now,
      payload: { itemId: id, attempt: 1 },
    });
  });
  return (await repo.findItem(app.db, id))!;
}

/** A request's hand-offs, oldest first; staff only (client-side users are told there is no such thing). */
export async function listHandOffs(app: AppContext, actor: Actor, idOrNumber: string) {
  if (!isStaff(actor)) throw new NotFound('Request');
  const t = await loadTicket(app.db, actor, idOrNumber);
  return repo.listItems(app.db, t.id);
}

/** What the tracker is sent: enough to file the defect, and the way back to the request. */
async function handOffMessage(app: AppContext, item: repo.DeveloperItemRow, t: TicketRow) {
  const org = await findOrganization(app.db, t.organization_id);
  const number = ticketNumber(t.number);
  return {
    itemId: item.id,
    ticket: {
      id: t.id,
      number,
      subject: t.subject,
      description: t.description,
      priority: t.priority,
      organization: { id: t.organization_id, name: org?.name ?? '' },
    },
    summary: item.summary,
    link: `${app.config.publicUrl}/tickets/${number}`,
  };
}

/** POSTs the signed message; the tracker's `{id, url}` or an error saying what went wrong. */
async function postToTracker(app: AppContext, message: unknown) {
  const { devTrackerUrl: url, devTrackerSecret: secret } = app.config;
  if (!url || !secret) throw new Error("The developers' tracker is not configured (DEV_TRACKER_URL)");
  const body = JSON.stringify(message);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(secret, body, app.clock.now()) },
    body,
    // A signed hand-off goes where it was configured to, nowhere else.
    redirect: 'error',
    signal: AbortSignal.timeout(TRACKER_TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`The tracker answered ${res.status}: ${text.slice(0, 200)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`The tracker answered ${res.status} without JSON`);
  }
  const answer = TrackerAnswer.safeParse(json);
  if (!answer.success)
    throw new Error(
      `The tracker's answer is not {id, url}: ${answer.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  return answer.data;
}

const errorText = (err: unknown): string => {
  const e = err as { name?: string; message?: string; cause?: { message?: string } };
  const text = e?.message ? `${e.message}${e.cause?.message ? ` (${e.cause.message})` : ''}` : String(err);
  return text.slice(0, 1000);
};

/**
 * Timer: creates the hand-off's item in the developers' tracker, stores its id and link, and sets
 * the request to wait for the vendor. A failed call is recorded on the item (last_error) and tried
 * again after the timer engine's backoff; after TIMER_MAX_ATTEMPTS the item is marked failed with
 * an internal note, so the agent knows and may hand it off again. Handled once: a repeated timer
 * finds the item no longer pending. The message carries `itemId` for the tracker to deduplicate on.
 *
 * Two phases: the call to the tracker happens outside any transaction (`prepareHandOff`), so a slow
 * tracker never holds the database; what it answered is then applied in the timer's transaction.
 */
export async function prepareHandOff(app: AppContext, timer: DueTimer): Promise<TrackerOutcome> {
  const { itemId } = timer.payload as { itemId: string };
  const item = await repo.findItem(app.db, itemId);
  const t = item && (await findTicketById(app.db, item.ticket_id));
  if (!item || !t || item.status !== 'pending') return { skip: true };
  try {
    return { answer: await postToTracker(app, await handOffMessage(app, item, t)) };
  } catch (err) {
    return { error: errorText(err) };
  }
}

type TrackerOutcome = { skip: true } | { answer: { id: string; url: string } } | { error: string };

export async function applyHandOff(app: AppContext, trx: Db, timer: DueTimer, outcome: TrackerOutcome) {
  const { itemId, attempt = 1 } = timer.payload as { itemId: string; attempt?: number };
  const w = within(app, trx);
  const item = await repo.findItem(trx, itemId);
  const t = item && (await findTicketById(trx, item.ticket_id));
  if ('skip' in outcome || !item || !t || item.status !== 'pending') return;
  if ('error' in outcome) {
    await recordFailedAttempt(w, timer, item, attempt, outcome.error);
    return;
  }
  const { answer } = outcome;
  const other = await repo.findItemByExternalId(trx, answer.id);
  if (other && other.id !== item.id) {
    await recordFailedAttempt(
      w,
      timer,
      item,
      attempt,
      `The tracker answered with ${answer.id}, the id of another hand-off`,
    );
    return;
  }
  const now = app.clock.now().toISOString();
  await repo.updateItem(trx, item.id, {
    status: 'created',
    external_id: answer.id,
    url: answer.url,
    last_error: null,
    updated_at: now,
  });
  // The request now waits for the developers (its clocks pause where the plan says so), unless it moved on meanwhile.
  if (t.status === 'new' || t.status === 'open' || t.status === 'pending_customer')
    await updateTicket(w, SYSTEM_ACTOR, t.id, { status: 'pending_vendor' });
  await addComment(w, SYSTEM_ACTOR, t.id, {
    body: `The developers' tracker created ${answer.id}: ${answer.url}`,
    internal: true,
  });
}

async function recordFailedAttempt(
  app: AppContext,
  timer: DueTimer,
  item: repo.DeveloperItemRow,
  attempt: number,
  error: string,
) {
  const now = app.clock.now();
  if (attempt >= TIMER_MAX_ATTEMPTS) {
    await repo.updateItem(app.db, item.id, {
      status: 'failed',
      last_error: error,
      updated_at: now.toISOString(),
    });
    await addComment(app, SYSTEM_ACTOR, item.ticket_id, {
      body: `The hand-off to the developers failed after ${attempt} attempts (${error}). Hand it off again once their tracker is reachable.`,
      internal: true,
    });
    return;
  }
  await repo.updateItem(app.db, item.id, { last_error: error, updated_at: now.toISOString() });
  // The fired timer has left the pending keys, so this schedules the next attempt under the same key.
  await scheduleTimer(app.db, {
    key: timer.key,
    kind: timer.kind,
    subjectId: timer.subjectId,
    dueAt: new Date(now.getTime() + timerRetryDelayMs(attempt)),
    payload: { itemId: item.id, attempt: attempt + 1 },
  });
}

/**
 * An event from the developers' tracker, signed with the shared key: a comment becomes an internal
 * note, a status change is recorded; when the defect is fixed, a request waiting for the vendor goes
 * back to open at its line (its SLA clocks resume through the usual status events).
 */
export async function receiveTrackerEvent(
  app: AppContext,
  rawBody: Buffer,
  headers: Record<string, unknown>,
) {
  const secret = app.config.devTrackerSecret;
  if (!secret)
    throw new Conflict("The developers' tracker is not configured (DEV_TRACKER_SECRET)", 'not_configured');
  const refused = checkSignature(secret, rawBody, headers, app.clock.now());
  if (refused) throw new Unauthorized(`Tracker event refused: ${refused}`);
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new Invalid('The body is not JSON');
  }
  const e = validate(TrackerEvent, json);
  const item = await repo.findItemByExternalId(app.db, e.externalId);
  if (!item) throw new NotFound('Developer item');
  const fixed =
    e.fixed === true || (e.status !== undefined && FIXED_STATUSES.includes(e.status.toLowerCase()));
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    const w = within(app, trx);
    if (e.type === 'comment')
      await addComment(w, SYSTEM_ACTOR, item.ticket_id, {
        body: `Developer tracker${e.author ? ` — ${e.author}` : ''}: ${e.comment}`,
        internal: true,
      });
    await repo.updateItem(trx, item.id, {
      ...(e.status !== undefined && { tracker_status: e.status }),
      ...(fixed && !item.fixed_at && { fixed_at: now }),
      updated_at: now,
    });
    if (e.type === 'status') {
      const what =
        e.status !== undefined
          ? `is now "${e.status}"${fixed ? ' (fixed)' : ''}`
          : fixed
            ? 'is fixed'
            : 'is not fixed yet';
      await addComment(w, SYSTEM_ACTOR, item.ticket_id, {
        body: `Developer tracker: ${item.external_id} ${what}`,
        internal: true,
      });
    }
    const t = fixed ? await findTicketById(trx, item.ticket_id) : undefined;
    if (t?.status === 'pending_vendor') await updateTicket(w, SYSTEM_ACTOR, t.id, { status: 'open' });
    // The first word that the defect is fixed: the hand-off has come back (the people handling it are told).
    if (fixed && !item.fixed_at)
      await app.events.append(trx, { type: 'ticket.handoff_returned', subjectType: 'ticket', subjectId: item.ticket_id, actorId: null, data: { itemId: item.id, externalId: item.external_id } });
  });
  return { itemId: item.id, ticketId: item.ticket_id };
}
