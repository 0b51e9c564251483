import { inTransaction } from '../../core/db/connect.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext, Db } from '../db.js';
import { isStaff, type Actor } from '../identity/index.js';
import { isReopen, statusTimestamps, withinReopenWindow } from './status.js';
import { PUBLIC_EVENTS } from './tickets.policy.js';
import * as repo from './tickets.repo.js';
import { loadTicket } from './tickets.service.js';
import type { Status } from './tickets.tables.js';

/** Names of what change events point to, by id, in both languages. */
export type ChangeNames = Map<string, { en: string; ru: string }>;

export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Content types accepted as attachments: documents, images, archives, mail and logs. */
const ALLOWED_TYPES = new Set([
  'text/plain', 'text/csv', 'application/pdf', 'application/zip', 'application/x-zip-compressed',
  'application/gzip', 'application/x-7z-compressed', 'application/json', 'application/xml', 'text/xml',
  'message/rfc822', 'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/tiff',
  'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.spreadsheet',
  'application/octet-stream',
]);

/** Leading bytes that a file of these types must start with, so a renamed file cannot pass as one. */
const SIGNATURES: Record<string, number[][]> = {
  'image/png': [[0x89, 0x50, 0x4e, 0x47]],
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/gif': [[0x47, 0x49, 0x46, 0x38]],
  'application/pdf': [[0x25, 0x50, 0x44, 0x46]],
  'application/zip': [[0x50, 0x4b]],
};

const EXECUTABLE = [[0x4d, 0x5a] /* MZ: Windows */, [0x7f, 0x45, 0x4c, 0x46] /* ELF */];
const startsWith = (data: Buffer, sig: number[]) => sig.every((b, i) => data[i] === b);

/** Checks an upload's declared type, its content and its size; names the file when refusing it. */
export function checkUpload(f: UploadedFile, maxBytes: number) {
  const type = f.contentType.split(';')[0]!.trim().toLowerCase();
  if (!ALLOWED_TYPES.has(type)) throw new Invalid(`${f.filename}: files of type ${type} are not accepted`, 'files');
  if (f.data.length > maxBytes) throw new Invalid(`${f.filename}: larger than ${maxBytes} bytes`, 'files');
  if (f.data.length === 0) throw new Invalid(`${f.filename}: the file is empty`, 'files');
  const sigs = SIGNATURES[type];
  if (sigs && !sigs.some((s) => startsWith(f.data, s)))
    throw new Invalid(`${f.filename}: the content is not ${type}`, 'files');
  if (EXECUTABLE.some((s) => startsWith(f.data, s))) throw new Invalid(`${f.filename}: programs are not accepted`, 'files');
  return type;
}

/**
 * Adds a public reply or (staff only) an internal note, with attachments. A requester's reply
 * brings a request waiting for them back to open, and reopens a resolved one within the window;
 * the first public reply by staff is the first response.
 */
export async function addComment(
  app: AppContext,
  actor: Actor,
  idOrNumber: string,
  input: { body: string; internal: boolean; files?: UploadedFile[] },
) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  const staff = isStaff(actor);
  if (input.internal && !staff) throw new Forbidden('Only the service desk staff may write internal notes');
  if (!staff && t.status === 'closed') throw new Forbidden('This request is closed; make a new request');
  const files = input.files ?? [];
  const types = files.map((f) => checkUpload(f, app.config.attachmentMaxBytes));
  const keys: string[] = [];
  for (const f of files) keys.push(await app.files.put(f.data));

  let status: Status | undefined;
  if (!staff && t.status === 'pending_customer') status = 'open';
  if (!staff && t.status === 'resolved' && withinReopenWindow(t.resolved_at, t.closed_at, app.config.reopenWindowDays, app.clock.now().getTime())) status = 'open';
  if (staff && !input.internal && t.status === 'new') status = 'open';
  const now = app.clock.now().toISOString();
  const firstResponse = staff && !input.internal && !t.first_response_at;
  const attachments: repo.AttachmentRow[] = [];
  try {
    const entry = await inTransaction(app.db, async (trx) => {
      // Bumping the version with the reply makes concurrent edits notice it. The entry and the
      // bump are independent, so they go to the database together.
      const patchOn = (current: typeof t) => ({
        updated_at: now,
        ...(firstResponse && { first_response_at: now }),
        ...(status && { status, ...statusTimestamps(status, now, current) }),
        ...(status && isReopen(current.status, status) && { reopened_count: current.reopened_count + 1 }),
      });
      const [entryId, bumped] = await Promise.all([
        repo.insertEntry(trx, {
          ticket_id: t.id,
          kind: input.internal ? 'note' : 'reply',
          author_id: actor.id,
          body: input.body,
          event_type: null,
          data: null,
          created_at: now,
        }),
        repo.updateTicket(trx, t.id, t.version, patchOn(t)),
      ]);
      for (const [i, f] of files.entries()) {
        const row = { id: newId(), ticket_id: t.id, entry_id: entryId, filename: f.filename, content_type: types[i]!, size: f.data.length, file_key: keys[i]!, uploaded_by: actor.id, created_at: now };
        await repo.insertAttachment(trx, row);
        attachments.push(row);
      }
      // A concurrent change got there first: retried once on the request as it now is, since a
      // reply itself never conflicts.
      let current = t;
      if (!bumped) {
        current = (await repo.findTicket(trx, {}, t.id))!;
        if (!(await repo.updateTicket(trx, t.id, current.version, patchOn(current)))) throw new Error('The request kept changing while the reply was saved');
      }
      if (status && status !== current.status) {
        const data = { from: current.status, to: status };
        await repo.insertEntry(trx, { ticket_id: t.id, kind: 'event', author_id: actor.id, body: '', event_type: 'status_changed', data: JSON.stringify(data), created_at: now });
        await app.events.append(trx, { type: 'ticket.status_changed', subjectType: 'ticket', subjectId: t.id, actorId: actor.id, data });
      }
      await app.events.append(trx, {
        type: input.internal ? 'ticket.note_added' : 'ticket.replied',
        subjectType: 'ticket',
        subjectId: t.id,
        actorId: actor.id,
        data: { entryId, byStaff: staff, firstResponse },
      });
      return (await repo.findEntry(trx, t.id, entryId))!;
    });
    // The entry as written, for the answer to the caller: no need to read it back.
    return { ticketId: t.id, entryId: Number(entry.id), entry: { ...entry, author_name: actor.name, attachments } };
  } catch (err) {
    await Promise.all(keys.map((k) => app.files.remove(k)));
    throw err;
  }
}

/**
 * A reply written on a stale view: refused (409 `ticket_changed`) when the timeline has entries the
 * writer has not seen, naming them, so that they can read first or send anyway.
 */
export async function assertNothingNewSince(app: AppContext, actor: Actor, idOrNumber: string, seenEntryId: number) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  const entries = await repo.listEntries(app.db, t.id, !isStaff(actor), PUBLIC_EVENTS);
  // What the writer did themselves (their own reply opening the request) is no news to them.
  const unseen = entries.filter((e) => Number(e.id) > seenEntryId && e.author_id !== actor.id);
  if (!unseen.length) return;
  const changes = unseen.map((e) => ({ id: Number(e.id), kind: e.kind, event: e.event_type, author: e.author_name, createdAt: e.created_at }));
  throw new Conflict('The request changed while you were writing; read what changed, or send anyway', 'ticket_changed', { changes });
}

/** The timeline as the actor may see it, oldest first, with each entry's attachments. */
export async function listTimeline(app: AppContext, actor: Actor, idOrNumber: string) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  const publicOnly = !isStaff(actor);
  const [entries, attachments] = await Promise.all([
    repo.listEntries(app.db, t.id, publicOnly, PUBLIC_EVENTS),
    repo.listAttachments(app.db, t.id),
  ]);
  const byEntry = new Map<number, repo.AttachmentRow[]>();
  for (const a of attachments) byEntry.set(Number(a.entry_id), [...(byEntry.get(Number(a.entry_id)) ?? []), a]);
  return { ticket: t, entries: entries.map((e) => ({ ...e, attachments: byEntry.get(Number(e.id)) ?? [] })), names: await changeNames(app, entries) };
}

/** The table each change event's from/to ids name, so the timeline reads "assignee: Lena → Egor". */
const NAMED_CHANGES: Record<string, 'users' | 'groups' | 'categories'> = { assignee_changed: 'users', group_changed: 'groups', category_changed: 'categories' };

/** Names (English and Russian where they differ) of the people, groups and categories the changes name. */
async function changeNames(app: AppContext, entries: { kind: string; event_type: string | null; data: string | null }[]): Promise<ChangeNames> {
  const ids = { users: new Set<string>(), groups: new Set<string>(), categories: new Set<string>() };
  for (const e of entries) {
    const table = e.kind === 'event' && e.event_type ? NAMED_CHANGES[e.event_type] : undefined;
    if (!table || !e.data) continue;
    const d = JSON.parse(e.data) as { from?: unknown; to?: unknown };
    for (const v of [d.from, d.to]) if (typeof v === 'string') ids[table].add(v);
  }
  const names: ChangeNames = new Map();
  if (ids.users.size) for (const u of await app.db.selectFrom('users').select(['id', 'name']).where('id', 'in', [...ids.users]).execute()) names.set(u.id, { en: u.name, ru: u.name });
  if (ids.groups.size) for (const g of await app.db.selectFrom('groups').select(['id', 'name']).where('id', 'in', [...ids.groups]).execute()) names.set(g.id, { en: g.name, ru: g.name });
  if (ids.categories.size)
    for (const c of await app.db.selectFrom('categories').select(['id', 'name', 'name_ru']).where('id', 'in', [...ids.categories]).execute()) names.set(c.id, { en: c.name, ru: c.name_ru || c.name });
  return names;
}

/** An attachment with its stored file, if the actor may see the entry it belongs to. */
export async function getAttachment(app: AppContext, actor: Actor, idOrNumber: string, attachmentId: string) {
  const t = await loadTicket(app.db, actor, idOrNumber);
  const a = await repo.findAttachment(app.db, t.id, attachmentId);
  if (!a || (a.entry_kind === 'note' && !isStaff(actor))) throw new NotFound('Attachment');
  return { attachment: a, stream: app.files.open(a.file_key) };
}

/**
 * Attaches files to the timeline entry that recorded a request's creation, for channels that bring
 * files with the request itself (e-mail); joins the caller's transaction. Checks every file like an
 * upload; the stored files are removed again if the entry cannot take them.
 */
export async function attachToCreation(app: AppContext, actor: Actor, ticketId: string, files: UploadedFile[]) {
  if (!files.length) return;
  const types = files.map((f) => checkUpload(f, app.config.attachmentMaxBytes));
  const entry = (await repo.listEntries(app.db, ticketId, false, PUBLIC_EVENTS)).find((e) => e.event_type === 'created');
  if (!entry) throw new NotFound('Request');
  const keys: string[] = [];
  try {
    for (const f of files) keys.push(await app.files.put(f.data));
    const now = app.clock.now().toISOString();
    await inTransaction(app.db, async (trx) => {
      for (const [i, f] of files.entries())
        await repo.insertAttachment(trx, {
          id: newId(),
          ticket_id: ticketId,
          entry_id: Number(entry.id),
          filename: f.filename,
          content_type: types[i]!,
          size: f.data.length,
          file_key: keys[i]!,
          uploaded_by: actor.id,
          created_at: now,
        });
    });
  } catch (err) {
    await Promise.all(keys.map((k) => app.files.remove(k)));
    throw err;
  }
}

/**
 * Writes an event another module records on a request's timeline (e.g. an agent keeping it past
 * its line's time budget), with its domain event, inside that module's transaction.
 */
export async function recordTimelineEvent(app: AppContext, trx: Db, actor: Actor, ticketId: string, type: string, data: Record<string, unknown>) {
  const now = app.clock.now().toISOString();
  await repo.insertEntry(trx, { ticket_id: ticketId, kind: 'event', author_id: actor.id, body: '', event_type: type, data: JSON.stringify(data), created_at: now });
  await app.events.append(trx, { type: `ticket.${type}`, subjectType: 'ticket', subjectId: ticketId, actorId: actor.id, data });
}
