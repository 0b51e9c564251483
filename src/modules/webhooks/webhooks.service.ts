import { sql, type Selectable } from 'kysely';
import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { memoInTransaction } from '../../core/db/memo.js';
import { prepare } from '../../core/db/prepared.js';
import { Conflict, Invalid, NotFound } from '../../core/errors.js';
import type { DomainEvent, FactExpression } from '../../core/events/events.js';
import { newId, newSecret } from '../../core/ids/ids.js';
import { scheduleTimer, timerRetryDelayMs, type DueTimer } from '../../core/jobs/timers.js';
import type { AppContext, Db } from '../db.js';
import { signedHeaders } from '../../core/http/signature.js';
import { assertAdmin, findOrganization, type Actor } from '../identity/index.js';
import { findEntry, findTicketById, ticketNumber, type TicketRow } from '../tickets/index.js';
import { findCall } from '../channels/phone/index.js';
import type { WebhookTables } from './webhooks.tables.js';

export type WebhookRow = Selectable<WebhookTables['webhooks']>;
export type DeliveryRow = Selectable<WebhookTables['webhook_deliveries']>;

/** The timer that posts one delivery; retried with the timer engine's backoff (1, 2, 4 … 60 minutes). */
export const DELIVERY_TIMER = 'webhook.delivery';
/** Attempts before a delivery is given up (about four hours of retries). */
export const WEBHOOK_MAX_ATTEMPTS = 8;
const TIMEOUT_MS = 10_000;

export interface WebhookInput {
  name: string;
  url: string;
  events: string[];
  organizationId?: string | null;
  active?: boolean;
}

async function assertOrganization(app: AppContext, id: string | null | undefined) {
  if (id && !(await findOrganization(app.db, id))) throw new Invalid('No such organization', 'organizationId');
}

export async function listWebhooks(app: AppContext, actor: Actor) {
  assertAdmin(actor);
  return app.db.selectFrom('webhooks').selectAll().orderBy('created_at').execute();
}

/** A webhook by id, whoever asks (for the checks of modules that post to one). */
export const findWebhook = (db: Db, id: string) => db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();

export async function getWebhook(app: AppContext, actor: Actor, id: string) {
  assertAdmin(actor);
  const w = await findWebhook(app.db, id);
  if (!w) throw new NotFound('Webhook');
  return w;
}

/** The latest delivery of each webhook, for the list. */
export async function lastDeliveries(app: AppContext, ids: string[]): Promise<Map<string, DeliveryRow>> {
  if (!ids.length) return new Map();
  const latest = app.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.max('id').as('id')).where('webhook_id', 'in', ids).groupBy('webhook_id');
  const rows = await app.db.selectFrom('webhook_deliveries').selectAll().where('id', 'in', latest).execute();
  return new Map(rows.map((r) => [r.webhook_id, r]));
}

/** Creates a webhook; the answer carries its secret, the only time it is shown. */
export async function createWebhook(app: AppContext, actor: Actor, input: WebhookInput) {
  assertAdmin(actor);
  await assertOrganization(app, input.organizationId);
  const now = app.clock.now().toISOString();
  const row: WebhookRow = {
    id: newId(),
    name: input.name,
    url: input.url,
    secret: newSecret(),
    events: JSON.stringify([...new Set(input.events)]),
    organization_id: input.organizationId ?? null,
    active: input.active === false ? 0 : 1,
    created_at: now,
    updated_at: now,
  };
  await inTransaction(app.db, async (trx) => {
    await trx.insertInto('webhooks').values({ ...row, secret: app.secrets.seal(row.secret) }).execute();
    await recordAudit(trx, { entityType: 'webhook', entityId: row.id, actorId: actor.id, action: 'created', after: { ...input } });
  });
  return row;
}

export async function updateWebhook(app: AppContext, actor: Actor, id: string, patch: Partial<WebhookInput> & { rotateSecret?: boolean }) {
  await getWebhook(app, actor, id);
  await assertOrganization(app, patch.organizationId);
  const { rotateSecret, ...changes } = patch;
  await inTransaction(app.db, async (trx) => {
    await trx
      .updateTable('webhooks')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.url !== undefined && { url: changes.url }),
        ...(changes.events !== undefined && { events: JSON.stringify([...new Set(changes.events)]) }),
        ...(changes.organizationId !== undefined && { organization_id: changes.organizationId }),
        ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
        ...(rotateSecret && { secret: app.secrets.seal(newSecret()) }),
        updated_at: app.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, { entityType: 'webhook', entityId: id, actorId: actor.id, action: 'updated', after: { ...changes, rotateSecret } });
  });
  const row = (await getWebhook(app, actor, id))!;
  // The new secret is shown this once, opened; otherwise it stays sealed (and is not shown).
  return { row: rotateSecret ? { ...row, secret: app.secrets.open(row.secret) } : row, secretShown: Boolean(rotateSecret) };
}

export async function deleteWebhook(app: AppContext, actor: Actor, id: string) {
  await getWebhook(app, actor, id);
  await inTransaction(app.db, async (trx) => {
    await trx.deleteFrom('webhooks').where('id', '=', id).execute();
    await recordAudit(trx, { entityType: 'webhook', entityId: id, actorId: actor.id, action: 'deleted' });
  });
}

export async function listDeliveries(app: AppContext, actor: Actor, webhookId: string, limit = 50) {
  await getWebhook(app, actor, webhookId);
  return app.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('id', 'desc').limit(limit).execute();
}

/** Sends a delivery again (a new round of attempts, the same body). */
export async function redeliver(app: AppContext, actor: Actor, webhookId: string, deliveryId: number) {
  await getWebhook(app, actor, webhookId);
  return inTransaction(app.db, async (trx) => {
    const d = await trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).where('webhook_id', '=', webhookId).executeTakeFirst();
    if (!d) throw new NotFound('Delivery');
    await trx.updateTable('webhook_deliveries').set({ status: 'pending', attempts: 0, last_error: null }).where('id', '=', d.id).execute();
    await schedule(app, trx, d.id, 1);
    return (await trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', d.id).executeTakeFirst())!;
  });
}

/** A test event to the webhook's URL, to check the receiving side. */
export async function ping(app: AppContext, actor: Actor, id: string) {
  const w = await getWebhook(app, actor, id);
  return inTransaction(app.db, (trx) => enqueue(app, trx, w, 'ping', null, { type: 'ping', webhookId: w.id }));
}

const schedule = (app: AppContext, trx: Db, deliveryId: number, attempt: number, dueAt: Date = app.clock.now()) =>
  scheduleTimer(trx, { key: `${DELIVERY_TIMER}:${deliveryId}`, kind: DELIVERY_TIMER, subjectId: String(deliveryId), dueAt, payload: { deliveryId, attempt } });

async function enqueue(app: AppContext, trx: Db, w: WebhookRow, event: string, ticketId: string | null, body: object) {
  const now = app.clock.now().toISOString();
  const row = await trx
    .insertInto('webhook_deliveries')
    .values({ webhook_id: w.id, event, ticket_id: ticketId, payload: '', status: 'pending', attempts: 0, response_status: null, last_error: null, created_at: now, delivered_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  // The delivery's id is in its body, for the receiver to drop a repeat.
  const payload = JSON.stringify({ id, occurredAt: now, ...body });
  await trx.updateTable('webhook_deliveries').set({ payload }).where('id', '=', id).execute();
  await schedule(app, trx, id, 1);
  return (await trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst())!;
}

/**
 * Reacts to a request's or a call's event inside its transaction: a delivery for each active webhook
 * that subscribed to it (and to its organization, if it names one), posted after the commit.
 */
export async function onEvent(app: AppContext, trx: Db, e: DomainEvent): Promise<void> {
  if (e.subjectType !== 'ticket' && e.subjectType !== 'call') return;
  // Most desks have no webhook for most events: the event's own statement said so (SUBSCRIBED_FACT).
  if (e.facts && !e.facts[SUBSCRIBED_FACT]) return;
  // Read once per transaction: a change sets off several events.
  const active = await memoInTransaction(trx, 'webhooks:active', () => activeWebhooks.all(trx, {}));
  const hooks = active.filter((w) =>
    (JSON.parse(w.events) as string[]).includes(e.type),
  );
  if (!hooks.length) return;
  if (e.subjectType === 'call') return onCallEvent(trx, e, hooks, app);
  const t = await findTicketById(trx, e.subjectId);
  if (!t) return;
  const body = await ticketBody(app, trx, t, e);
  for (const w of hooks) if (!w.organization_id || w.organization_id === t.organization_id) await enqueue(app, trx, w, e.type, t.id, body);
}

/**
 * Whether an active webhook may have subscribed to the event, read with the event's row: its type
 * appears, quoted, in a webhook's list (a superset, `_` matching any character; onEvent filters exactly).
 */
export const SUBSCRIBED_FACT = 'webhooks.subscribed';
export const subscribedFact: FactExpression = (eb) =>
  eb.exists(
    eb
      .selectFrom('webhooks')
      .select(sql`1`.as('one'))
      .where('active', '=', 1)
      .where('webhooks.events', 'like', sql<string>`'%"' || ${sql.ref('events.type')} || '"%'`),
  );

const activeWebhooks = prepare((db: Db, _p: Record<string, never>) => db.selectFrom('webhooks').selectAll().where('active', '=', 1));

/**
 * Posts a request to one webhook after the commit, as an event of the given type would (an
 * automation rule's action): NotFound when the webhook is gone, Conflict when it is switched off.
 */
export async function postToWebhook(app: AppContext, trx: Db, webhookId: string, ticketId: string, e: Pick<DomainEvent, 'type' | 'actorId' | 'data'>) {
  const w = await findWebhook(trx, webhookId);
  if (!w) throw new NotFound('Webhook');
  if (!w.active) throw new Conflict(`The webhook “${w.name}” is switched off`, 'webhook_inactive');
  const t = await findTicketById(trx, ticketId);
  if (!t) throw new NotFound('Request');
  await enqueue(app, trx, w, e.type, t.id, await ticketBody(app, trx, t, e));
}

/** The body a request's event is posted with. */
async function ticketBody(app: AppContext, trx: Db, t: TicketRow, e: Pick<DomainEvent, 'type' | 'actorId' | 'data'>) {
  const data = (e.data ?? {}) as Record<string, unknown>;
  const entry = data.entryId !== undefined ? await findEntry(trx, t.id, Number(data.entryId)) : undefined;
  return {
    type: e.type,
    actorId: e.actorId,
    ticket: {
      id: t.id,
      number: ticketNumber(t.number),
      url: `${app.config.publicUrl}/tickets/${ticketNumber(t.number)}`,
      subject: t.subject,
      status: t.status,
      priority: t.priority,
      type: t.type,
      line: t.line,
      channel: t.channel,
      organizationId: t.organization_id,
      requesterId: t.requester_id,
      assigneeId: t.assignee_id,
      createdAt: t.created_at,
      updatedAt: t.updated_at,
    },
    ...(entry && { entry: { id: entry.id, kind: entry.kind, body: entry.body, authorId: entry.author_id } }),
    data,
  };
}

/** A call's event: the call as the PBX reported it, with the caller and request it was matched to. */
async function onCallEvent(trx: Db, e: DomainEvent, hooks: WebhookRow[], app: AppContext) {
  const c = await findCall(trx, e.subjectId);
  if (!c) return;
  const body = {
    type: e.type,
    actorId: e.actorId,
    call: {
      id: c.id,
      direction: c.direction,
      from: c.from_number,
      to: c.to_number,
      number: c.number,
      outcome: c.outcome,
      startedAt: c.started_at,
      answeredAt: c.answered_at,
      endedAt: c.ended_at,
      talkSeconds: c.talk_seconds,
      callerId: c.user_id,
      organizationId: c.organization_id,
      agentId: c.agent_id,
      ticketId: c.ticket_id,
      callbackStatus: c.callback_status,
    },
    data: e.data ?? {},
  };
  for (const w of hooks) if (!w.organization_id || w.organization_id === c.organization_id) await enqueue(app, trx, w, e.type, c.ticket_id, body);
}

type Outcome = { skip: true } | { status: number } | { error: string; status?: number };

/** Timer, outside any transaction: posts the delivery's body, signed with the webhook's secret. */
export async function prepareDelivery(app: AppContext, timer: DueTimer): Promise<Outcome> {
  const { deliveryId } = timer.payload as { deliveryId: number };
  const d = await app.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirst();
  const w = d && (await app.db.selectFrom('webhooks').selectAll().where('id', '=', d.webhook_id).executeTakeFirst());
  if (!d || !w || d.status !== 'pending') return { skip: true };
  try {
    const res = await fetch(w.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Tierdesk-Webhook', 'x-tierdesk-event': d.event, 'x-tierdesk-delivery': String(d.id), ...signedHeaders(app.secrets.open(w.secret), d.payload, app.clock.now()) },
      body: d.payload,
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok ? { status: res.status } : { status: res.status, error: `The receiver answered ${res.status}` };
  } catch (err) {
    const e = err as { message?: string; cause?: { message?: string } };
    return { error: `${e.message ?? String(err)}${e.cause?.message ? ` (${e.cause.message})` : ''}`.slice(0, 1000) };
  }
}

/** Timer, in its transaction: records the outcome; a failure is tried again later, up to WEBHOOK_MAX_ATTEMPTS. */
export async function applyDelivery(app: AppContext, trx: Db, timer: DueTimer, outcome: Outcome) {
  const { deliveryId, attempt } = timer.payload as { deliveryId: number; attempt: number };
  if ('skip' in outcome) return;
  const now = app.clock.now();
  if (!('error' in outcome)) {
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'delivered', attempts: attempt, response_status: outcome.status, last_error: null, delivered_at: now.toISOString() })
      .where('id', '=', deliveryId)
      .execute();
    return;
  }
  const giveUp = attempt >= WEBHOOK_MAX_ATTEMPTS;
  await trx
    .updateTable('webhook_deliveries')
    .set({ status: giveUp ? 'failed' : 'pending', attempts: attempt, response_status: outcome.status ?? null, last_error: outcome.error })
    .where('id', '=', deliveryId)
    .execute();
  if (!giveUp) await schedule(app, trx, deliveryId, attempt + 1, new Date(now.getTime() + timerRetryDelayMs(attempt)));
}
