import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { memoInTransaction, rememberInTransaction } from '../../core/db/memo.js';
import { prepare } from '../../core/db/prepared.js';
import { Forbidden, Invalid, NotFound, Conflict } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import { recordChange, type ChangeInput } from '../changes/index.js';
import { within, type AppContext, type Db } from '../db.js';
import { findOrganization, findUserById, isAdmin, isStaff, type Actor, type Locale } from '../identity/index.js';
import { refreshTargets, type OwnTargets } from '../sla/index.js';
import { attachToCreation, changeAutomatically, createdInTransaction, ticketNumber, checkUpload, createTicket, findCategory, loadTicket, type UploadedFile } from '../tickets/index.js';
import type { CatalogTables, FormField } from './catalog.tables.js';
import { checkAnswers, checkForm, type Answer } from './fields.js';
import * as repo from './catalog.repo.js';

export interface ItemInput {
  name: string;
  nameRu: string;
  description: string;
  descriptionRu: string;
  type: 'service_request' | 'change';
  categoryId: string | null;
  line: 'L1' | 'L2' | 'L3';
  needsApproval: boolean;
  firstResponseMinutes: number | null;
  resolutionMinutes: number | null;
  fields: FormField[];
  planIds: string[];
  active: boolean;
  position: number;
}

export interface OrderInput {
  answers: Record<string, unknown>;
  /** For whom (an IT manager for a colleague, staff for a client); the caller by default. */
  requesterId?: string;
  /** A few words of the requester's own, after the item's name. */
  note?: string;
  /** For an item of type change: its risk, plans and proposed window. */
  change?: Omit<ChangeInput, 'needsApproval'>;
}

const assertAdminActor = (actor: Actor) => {
  if (!isAdmin(actor)) throw new Forbidden('Only an administrator may edit the service catalog');
};

/** The plan whose catalog the actor sees: their organization's (or, for staff, the one they name). */
async function planOfOrganization(db: Db, organizationId: string | null | undefined) {
  if (!organizationId) return null;
  const org = await findOrganization(db, organizationId);
  return org?.plan_id ?? null;
}

/**
 * The catalog as the actor sees it: a client person the active items of their organization's plan
 * (another plan's items do not exist for them); staff every item, or one organization's offer.
 */
export async function listItems(app: AppContext, actor: Actor, q: { organizationId?: string } = {}) {
  if (!isStaff(actor)) {
    const planId = await planOfOrganization(app.db, actor.organizationId);
    return planId ? repo.listItems(app.db, { planId, activeOnly: true }) : [];
  }
  if (q.organizationId) {
    const planId = await planOfOrganization(app.db, q.organizationId);
    return planId ? repo.listItems(app.db, { planId, activeOnly: true }) : [];
  }
  return repo.listItems(app.db, {});
}

/** One item the actor may see (NotFound otherwise); for an order, offered to the requester's organization. */
export async function getItem(app: AppContext, actor: Actor, id: string, forOrganizationId?: string | null) {
  const item = await repo.findItem(app.db, id);
  const orgId = isStaff(actor) ? forOrganizationId : actor.organizationId;
  if (!item) throw new NotFound('Catalog item');
  if (orgId !== undefined) {
    const planId = await planOfOrganization(app.db, orgId);
    const offered = planId && item.active && (await repo.plansOf(app.db, [id])).get(id)!.includes(planId);
    if (!offered) throw new NotFound('Catalog item');
  }
  return item;
}

export const plansOf = (app: AppContext, ids: string[]) => repo.plansOf(app.db, ids);

async function checkItem(db: Db, input: ItemInput) {
  checkForm(input.fields);
  if (input.categoryId && !(await findCategory(db, input.categoryId))) throw new Invalid('No such category', 'categoryId');
  for (const planId of input.planIds)
    if (!(await db.selectFrom('plans').select('id').where('id', '=', planId).executeTakeFirst())) throw new Invalid(`No such plan ${planId}`, 'planIds');
  if (input.type === 'service_request' && input.needsApproval) throw new Invalid('Only a change item is approved before work', 'needsApproval');
}

const toRow = (input: ItemInput) => ({
  name: input.name,
  name_ru: input.nameRu,
  description: input.description,
  description_ru: input.descriptionRu,
  type: input.type,
  category_id: input.categoryId,
  line: input.line,
  needs_approval: input.needsApproval ? 1 : 0,
  first_response_minutes: input.firstResponseMinutes,
  resolution_minutes: input.resolutionMinutes,
  fields: JSON.stringify(input.fields),
  active: input.active ? 1 : 0,
  position: input.position,
});

export async function createItem(app: AppContext, actor: Actor, input: ItemInput) {
  assertAdminActor(actor);
  await checkItem(app.db, input);
  const id = newId();
  const now = app.clock.now().toISOString();
  await inTransaction(app.db, async (trx) => {
    await repo.insertItem(trx, { id, ...toRow(input), created_at: now, updated_at: now });
    await repo.replacePlans(trx, id, [...new Set(input.planIds)]);
    await recordAudit(trx, { entityType: 'catalog_item', entityId: id, actorId: actor.id, action: 'created', after: { ...input } });
  });
  return id;
}

export async function updateItem(app: AppContext, actor: Actor, id: string, input: ItemInput) {
  assertAdminActor(actor);
  const before = await repo.findItem(app.db, id);
  if (!before) throw new NotFound('Catalog item');
  await checkItem(app.db, input);
  await inTransaction(app.db, async (trx) => {
    await repo.updateItem(trx, id, { ...toRow(input), updated_at: app.clock.now().toISOString() });
    await repo.replacePlans(trx, id, [...new Set(input.planIds)]);
    await recordAudit(trx, { entityType: 'catalog_item', entityId: id, actorId: actor.id, action: 'updated', before: { ...before }, after: { ...input } });
  });
  return id;
}

/** Removes an item never ordered; an ordered one is kept for its requests (deactivate it instead). */
export async function deleteItem(app: AppContext, actor: Actor, id: string) {
  assertAdminActor(actor);
  const before = await repo.findItem(app.db, id);
  if (!before) throw new NotFound('Catalog item');
  if (await repo.isOrdered(app.db, id)) throw new Conflict('Requests were ordered from this item: deactivate it instead', 'item_in_use');
  await inTransaction(app.db, async (trx) => {
    await repo.deleteItem(trx, id);
    await recordAudit(trx, { entityType: 'catalog_item', entityId: id, actorId: actor.id, action: 'deleted', before: { ...before } });
  });
}

const label = (locale: Locale, f: { label: string; labelRu: string }) => (locale === 'ru' ? f.labelRu : f.label);

/** The answers written into the request's description too, so the request reads whole and its search finds them. */
function describe(locale: Locale, item: CatalogTables['catalog_items'], answers: Answer[], note: string | undefined) {
  const choice = (a: Answer) => a.field.options?.find((o) => o.value === a.value);
  const lines = answers.map((a) => `${label(locale, a.field)}: ${a.field.kind === 'choice' ? label(locale, choice(a)!) : a.value}`);
  const intro = locale === 'ru' ? `Заказ из каталога услуг: ${item.name_ru}` : `Ordered from the service catalog: ${item.name}`;
  return [intro, '', ...lines, ...(note ? ['', note] : [])].join('\n');
}

/**
 * Orders an item: checks the answers against its form (naming the field at fault), then in one
 * transaction makes the request (the item's type, category, line and targets), stores the answers
 * as its fields and, for a change, its plan and approval steps.
 */
export async function orderItem(app: AppContext, actor: Actor, itemId: string, input: OrderInput, files: Map<string, UploadedFile>, via: 'session' | 'token') {
  const requesterId = input.requesterId ?? (isStaff(actor) ? undefined : actor.id);
  if (!requesterId) throw new Invalid('Staff must name the requester (requesterId) of a request', 'requesterId');
  const requester = await findUserById(app.db, requesterId);
  if (!requester?.organization_id || (!isStaff(actor) && requester.organization_id !== actor.organizationId)) throw new Invalid('No such requester in a client organization', 'requesterId');
  const item = await getItem(app, actor, itemId, requester.organization_id);
  const fields = JSON.parse(item.fields) as FormField[];
  for (const [key, f] of files) {
    if (!fields.some((x) => x.key === key && x.kind === 'file')) throw new Invalid(`The form has no file field ${key}`, `answers.${key}`);
    checkUpload(f, app.config.attachmentMaxBytes);
  }
  const answers = await checkAnswers(fields, input.answers, files, async (id) => {
    const u = /^[0-9a-f-]{36}$/i.test(id) ? await findUserById(app.db, id) : undefined;
    return u?.active && u.organization_id === requester.organization_id ? u : undefined;
  });
  if (item.type === 'change' && !input.change) throw new Invalid('A change names its risk, plan, rollback plan and window', 'change');
  const locale = requester.locale;
  const note = input.note?.trim() || undefined;
  const subject = (locale === 'ru' ? item.name_ru : item.name).slice(0, 200);

  return inTransaction(app.db, async (trx) => {
    const a = within(app, trx);
    const ticketId = await createTicket(a, actor, { subject, description: describe(locale, item, answers, note), type: item.type, categoryId: item.category_id, requesterId }, via);
    await attachToCreation(a, actor, ticketId, [...files.values()]);
    const attached = await trx.selectFrom('attachments').select(['id', 'filename']).where('ticket_id', '=', ticketId).execute();
    const now = app.clock.now().toISOString();
    await repo.insertOrder(trx, { ticket_id: ticketId, item_id: item.id, created_at: now });
    rememberInTransaction(trx, `catalog-targets:${ticketId}`, targetsOf(item));
    await repo.insertAnswers(
      trx,
      answers.map((x, i) => ({
        ticket_id: ticketId,
        item_id: item.id,
        position: i,
        field_key: x.field.key,
        kind: x.field.kind,
        label: x.field.label,
        label_ru: x.field.labelRu,
        value: x.value,
        ref_id: x.field.kind === 'file' ? (attached.find((f) => f.filename === x.value)?.id ?? null) : x.refId,
      })),
    );
    if (item.first_response_minutes !== null || item.resolution_minutes !== null) await refreshTargets(a, trx, ticketId, { catalogItem: item.id });
    await changeAutomatically(a, ticketId, { line: item.line, reason: { code: 'catalog_item_line', params: { item: item.name, itemRu: item.name_ru, line: item.line } }, by: 'auto' });
    await recordAudit(trx, { entityType: 'ticket', entityId: ticketId, actorId: actor.id, action: 'catalog_ordered', after: { itemId: item.id, answers: Object.fromEntries(answers.map((x) => [x.field.key, x.refId ?? x.value])) } });
    await app.events.append(trx, { type: 'catalog.ordered', subjectType: 'ticket', subjectId: ticketId, actorId: actor.id, data: { itemId: item.id } });
    if (item.type === 'change') await recordChange(a, actor, ticketId, { ...input.change!, needsApproval: Boolean(item.needs_approval) });
    const { number } = await trx.selectFrom('tickets').select('number').where('id', '=', ticketId).executeTakeFirstOrThrow();
    return { ticketId, number: ticketNumber(number) };
  });
}

/**
 * The people a "person" field may name: the active people of the requester's organization (the
 * caller's own; staff name the organization), names only.
 */
export async function colleagues(app: AppContext, actor: Actor, organizationId?: string) {
  const orgId = isStaff(actor) ? organizationId : actor.organizationId;
  if (!orgId) throw new Invalid('Name the organization (organizationId)', 'organizationId');
  if (!isStaff(actor) && organizationId && organizationId !== actor.organizationId) throw new Forbidden('Only the people of your own organization');
  return app.db.selectFrom('users').select(['id', 'name']).where('organization_id', '=', orgId).where('active', '=', 1).orderBy('name').limit(1000).execute();
}

/** The structured fields of a request ordered from the catalog, for whoever may see the request. */
export async function answersOf(app: AppContext, actor: Actor, idOrNumber: string) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  const order = await repo.findOrder(app.db, t.id);
  if (!order) return null;
  return { item: (await repo.findItem(app.db, order.item_id))!, answers: await repo.answersOf(app.db, t.id) };
}

/** Staff: requests ordered from the catalog with their answers (the search and the export); one item's, or all. */
export async function listOrders(app: AppContext, actor: Actor, f: { itemId?: string; organizationId?: string; q?: string; limit: number }) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff may list the catalog’s orders');
  const item = f.itemId ? await repo.findItem(app.db, f.itemId) : undefined;
  if (f.itemId && !item) throw new NotFound('Catalog item');
  return { item, rows: await repo.listOrders(app.db, app.dialect, f) };
}

const orderedTargets = prepare((db: Db, p: { ticketId: string }) =>
  db.selectFrom('catalog_orders as o').innerJoin('catalog_items as i', 'i.id', 'o.item_id').select(['i.first_response_minutes', 'i.resolution_minutes']).where('o.ticket_id', '=', p.ticketId),
);

/** The SLA's source of a request's own targets: those of the item it was ordered from. */
export function catalogTargets(db: Db, ticketId: string): Promise<OwnTargets | undefined> {
  // Read once per transaction; ordering an item remembers its targets (see orderItem), so a request
  // made in this transaction has none to read.
  return memoInTransaction(db, `catalog-targets:${ticketId}`, async () => {
    if (createdInTransaction(db, ticketId)) return undefined;
    const row = await orderedTargets.first(db, { ticketId });
    return row && targetsOf(row);
  });
}

const targetsOf = (item: { first_response_minutes: number | null; resolution_minutes: number | null }): OwnTargets | undefined =>
  item.first_response_minutes === null && item.resolution_minutes === null ? undefined : { firstResponseMinutes: item.first_response_minutes, resolutionMinutes: item.resolution_minutes };
