import type { Kysely } from 'kysely';
import type { Db } from '../db.js';
import { findTicketById } from '../tickets/index.js';
import { addFlow, lineFlow, refreshRequest, statusFlow } from './facts.service.js';
import { allTicketIds, countedTimelineEvents, handOffTimes } from './sources.repo.js';

/**
 * Builds the report read model for the requests that existed before it (a migration step): the
 * flow from each request's timeline and hand-offs, its figures from its clocks. Request by request:
 * slow on a large database, but once.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations work on any schema state
export async function backfillReportData(anyDb: Kysely<any>) {
  const db = anyDb as Db;
  const now = new Date().toISOString();
  for (const id of await allTicketIds(db)) {
    const t = (await findTicketById(db, id))!;
    for (const e of await countedTimelineEvents(db, id)) {
      const data = (e.data ? JSON.parse(e.data) : {}) as Record<string, unknown>;
      if (e.event_type === 'created') {
        await addFlow(db, id, 'received', t.created_at);
        if (data.line && data.line !== 'L1') await addFlow(db, id, 'escalated_difficulty', t.created_at);
      }
      const kind = e.event_type === 'status_changed' ? statusFlow(String(data.from), String(data.to)) : e.event_type === 'line_changed' ? lineFlow(data.from, data.to, data.by) : undefined;
      if (kind) await addFlow(db, id, kind, e.created_at);
    }
    for (const at of await handOffTimes(db, id)) await addFlow(db, id, 'handed_off', at);
    await refreshRequest(db, t, now);
  }
}
