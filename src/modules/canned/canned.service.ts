import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { Forbidden, Invalid, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext, Db } from '../db.js';
import { findOrganizationOnce, findUsersOnce, isManager, isStaff, SYSTEM_USER_ID, type Actor, type Locale } from '../identity/index.js';
import { loadTicket, ticketNumber, type TicketRow } from '../tickets/index.js';
import * as repo from './canned.repo.js';
import { firstName, PLACEHOLDERS, renderPlaceholders, unknownPlaceholders, type PlaceholderValues } from './placeholders.js';

export interface CannedInput {
  name: string;
  bodyEn?: string;
  bodyRu?: string;
  /** Shared with the whole staff (managers and admins only); otherwise the author's own. */
  shared?: boolean;
}

/** Canned replies are the staff's tool: client-side people never see them, nor learn that they exist. */
function assertStaffOnly(actor: Actor) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff use canned replies');
}

/** A reply the actor may use (their own or a shared one), or NotFound. */
async function loadVisible(db: Db, actor: Actor, id: string) {
  assertStaffOnly(actor);
  const row = await repo.findCanned(db, id);
  if (!row || (row.owner_id !== null && row.owner_id !== actor.id)) throw new NotFound('Canned reply');
  return row;
}

/** Shared replies are changed by managers and admins; personal ones by their owner. */
function assertMayChange(actor: Actor, row: repo.CannedRow) {
  if (row.owner_id === null ? !isManager(actor) : row.owner_id !== actor.id)
    throw new Forbidden('Only a manager changes shared canned replies, and only its owner a personal one');
}

/** Refuses a text with a placeholder that does not exist, naming it and the field. */
export function assertPlaceholders(text: string, field: string) {
  const unknown = unknownPlaceholders(text);
  if (unknown.length)
    throw new Invalid(`Unknown placeholder ${unknown.map((p) => `{{${p}}}`).join(', ')}; known are ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`, field);
}

function checkBodies(input: { bodyEn?: string; bodyRu?: string }) {
  if (!input.bodyEn?.trim() && !input.bodyRu?.trim()) throw new Invalid('Write the reply in English, Russian or both', 'bodyEn');
  assertPlaceholders(input.bodyEn ?? '', 'bodyEn');
  assertPlaceholders(input.bodyRu ?? '', 'bodyRu');
}

export async function listCanned(app: AppContext, actor: Actor, q?: string) {
  assertStaffOnly(actor);
  return repo.listVisible(app.db, app.dialect, actor.id, q?.trim() || undefined);
}

export const getCanned = (app: AppContext, actor: Actor, id: string) => loadVisible(app.db, actor, id);

export async function createCanned(app: AppContext, actor: Actor, input: CannedInput) {
  assertStaffOnly(actor);
  if (input.shared && !isManager(actor)) throw new Forbidden('Only a manager or an administrator makes shared canned replies');
  checkBodies(input);
  const now = app.clock.now().toISOString();
  const row = {
    id: newId(),
    name: input.name,
    owner_id: input.shared ? null : actor.id,
    body_en: input.bodyEn ?? '',
    body_ru: input.bodyRu ?? '',
    usage_count: 0,
    created_by: actor.id,
    created_at: now,
    updated_at: now,
  };
  await inTransaction(app.db, async (trx) => {
    await repo.insertCanned(trx, row);
    await recordAudit(trx, { entityType: 'canned_reply', entityId: row.id, actorId: actor.id, action: 'created', after: { name: row.name, shared: !row.owner_id } });
  });
  return row.id;
}

export async function updateCanned(app: AppContext, actor: Actor, id: string, patch: Partial<CannedInput>) {
  const row = await loadVisible(app.db, actor, id);
  assertMayChange(actor, row);
  if (patch.shared !== undefined && patch.shared !== (row.owner_id === null)) {
    if (!isManager(actor)) throw new Forbidden('Only a manager or an administrator shares canned replies');
  }
  const bodies = { bodyEn: patch.bodyEn ?? row.body_en, bodyRu: patch.bodyRu ?? row.body_ru };
  checkBodies(bodies);
  await inTransaction(app.db, async (trx) => {
    await repo.updateCanned(trx, id, {
      name: patch.name ?? row.name,
      body_en: bodies.bodyEn,
      body_ru: bodies.bodyRu,
      owner_id: patch.shared === undefined ? row.owner_id : patch.shared ? null : actor.id,
      updated_at: app.clock.now().toISOString(),
    });
    await recordAudit(trx, { entityType: 'canned_reply', entityId: id, actorId: actor.id, action: 'updated', before: { name: row.name }, after: { ...patch } });
  });
  return id;
}

export async function deleteCanned(app: AppContext, actor: Actor, id: string) {
  const row = await loadVisible(app.db, actor, id);
  assertMayChange(actor, row);
  await inTransaction(app.db, async (trx) => {
    await repo.deleteCanned(trx, id);
    await recordAudit(trx, { entityType: 'canned_reply', entityId: id, actorId: actor.id, action: 'deleted', before: { name: row.name } });
  });
}

/** The desk's name as its mail is signed: the name in MAIL_FROM ("Acme Support <support@…>"), else Tierdesk. */
export function deskName(mailFrom: string): string {
  const name = /^\s*"?([^"<]*?)"?\s*</.exec(mailFrom)?.[1]?.trim();
  return name || 'Tierdesk';
}

/**
 * What the placeholders stand for on this request, written by this agent. Written by the desk itself
 * (an automation rule), `agent.*` is the request's assignee, or the desk's name when nobody has it.
 */
export async function placeholderValues(app: Pick<AppContext, 'db' | 'config'>, actor: Actor, t: TicketRow): Promise<{ values: PlaceholderValues; locale: Locale }> {
  const db = app.db;
  const system = actor.id === SYSTEM_USER_ID;
  const ids = [t.requester_id, ...(system && t.assignee_id ? [t.assignee_id] : [])];
  // Read once per transaction: a macro's reply and note, and the notices that follow, need them too.
  const [people, organization] = await Promise.all([findUsersOnce(db, ids), findOrganizationOnce(db, t.organization_id)]);
  const requester = people.get(t.requester_id);
  const agentName = !system ? actor.name : ((t.assignee_id && people.get(t.assignee_id)?.name) || deskName(app.config.mailFrom));
  const requesterName = requester?.name ?? '';
  return {
    locale: requester?.locale ?? 'en',
    values: {
      'requester.name': requesterName,
      'requester.firstName': firstName(requesterName),
      'requester.email': requester?.email ?? '',
      'ticket.number': ticketNumber(t.number),
      'ticket.subject': t.subject,
      'agent.name': agentName,
      'agent.firstName': firstName(agentName),
      'organization.name': organization?.name ?? '',
    },
  };
}

/**
 * A canned reply made ready for a request: the text in the requester's language (the other one
 * when that is empty), placeholders filled; counts the use in the caller's transaction.
 */
export async function renderCanned(app: AppContext, actor: Actor, id: string, ticketRef: string) {
  const row = await loadVisible(app.db, actor, id);
  const t = await loadTicket(app.db, actor, ticketRef);
  const { values, locale } = await placeholderValues(app, actor, t);
  const preferred = locale === 'ru' ? row.body_ru : row.body_en;
  const usedLocale: Locale = preferred.trim() ? locale : locale === 'ru' ? 'en' : 'ru';
  const text = renderPlaceholders(usedLocale === 'ru' ? row.body_ru : row.body_en, values);
  await repo.countUse(app.db, id);
  return { text, locale: usedLocale, ticketId: t.id };
}
