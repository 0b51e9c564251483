import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { Conflict, Invalid } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import { type AppContext, within } from '../db.js';
import type { Actor } from '../identity/index.js';
import { ticketNumber } from './http/presenters.js';
import { addLink } from './relations.service.js';
import { assertMayWork } from './tickets.policy.js';
import * as repo from './tickets.repo.js';
import { loadTicket, updateTicket } from './tickets.service.js';

/**
 * Merges duplicates into a target request, all or nothing. Each merged request is linked as a
 * duplicate of the target and closed, its timeline left as it was (readable where it is); its
 * requester and watchers come to watch the target; the target gets a staff note per merged request
 * with its description and a copy of every attachment (the same stored file). Only requests of
 * the target's organization can be merged into it.
 */
export async function mergeTickets(app: AppContext, actor: Actor, targetRef: string, sourceRefs: string[]) {
  assertMayWork(actor);
  return inTransaction(app.db, async (trx) => {
    const ctx = within(app, trx);
    const target = await loadTicket(trx, actor, targetRef);
    if (target.status === 'closed') throw new Conflict('A closed request cannot take others in; reopen it first', 'target_closed');
    const sources: repo.TicketRow[] = [];
    for (const ref of new Set(sourceRefs)) {
      const s = await loadTicket(trx, actor, ref);
      if (s.id === target.id) throw new Invalid('A request cannot be merged into itself', 'sources');
      if (s.organization_id !== target.organization_id)
        throw new Invalid(`${ticketNumber(s.number)} belongs to another organization; only requests of one organization are merged`, 'sources');
      if (!sources.some((x) => x.id === s.id)) sources.push(s);
    }
    const now = app.clock.now().toISOString();
    const targetNumber = ticketNumber(target.number);
    for (const s of sources) {
      const number = ticketNumber(s.number);
      for (const userId of [s.requester_id, ...(await repo.listWatchers(trx, s.id)).map((w) => w.id)])
        if (userId !== target.requester_id) await repo.addWatcher(trx, target.id, userId);
      const linked = (await repo.listLinks(trx, s.id)).some((l) => l.kind === 'duplicate_of' && l.from_ticket_id === s.id && l.other_id === target.id);
      if (!linked) await addLink(ctx, actor, s.id, { ticket: target.id, kind: 'duplicate_of' });
      await repo.insertEntry(trx, { ticket_id: s.id, kind: 'event', author_id: actor.id, body: '', event_type: 'merged_into', data: JSON.stringify({ ticketId: target.id, number: targetNumber }), created_at: now });
      if (s.status !== 'closed') await updateTicket(ctx, actor, s.id, { status: 'closed' });
      await repo.insertEntry(trx, { ticket_id: target.id, kind: 'event', author_id: actor.id, body: '', event_type: 'merged_from', data: JSON.stringify({ ticketId: s.id, number, subject: s.subject }), created_at: now });
      const noteId = await repo.insertEntry(trx, { ticket_id: target.id, kind: 'note', author_id: actor.id, body: `${number} · ${s.subject}\n\n${s.description}`, event_type: null, data: null, created_at: now });
      for (const a of await repo.listAttachments(trx, s.id))
        await repo.insertAttachment(trx, { ...a, id: newId(), ticket_id: target.id, entry_id: noteId, created_at: now });
      await app.events.append(trx, { type: 'ticket.merged', subjectType: 'ticket', subjectId: s.id, actorId: actor.id, data: { into: target.id } });
    }
    const ids = sources.map((s) => s.id);
    await recordAudit(trx, { entityType: 'ticket', entityId: target.id, actorId: actor.id, action: 'merged', after: { sources: ids } });
    // The target changed (watchers, entries): its version moves so that open views notice.
    if (!(await repo.updateTicket(trx, target.id, target.version, { updated_at: now })))
      throw new Conflict('The request was changed by someone else; reload it and try again', 'version_conflict');
    return { targetId: target.id, merged: ids };
  });
}
