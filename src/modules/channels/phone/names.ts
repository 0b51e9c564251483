import type { AppContext } from '../../db.js';
import { findOrganization, findUserById } from '../../identity/index.js';
import { findTicketById, ticketNumber } from '../../tickets/index.js';
import type { CallRow } from './phone.repo.js';

export interface Names {
  people: Map<string, { id: string; name: string; email: string }>;
  organizations: Map<string, { id: string; name: string }>;
  tickets: Map<string, { id: string; number: string }>;
}

/** The names a page of calls shows (people, organizations, request numbers), each looked up once. */
export async function namesFor(app: AppContext, calls: CallRow[]): Promise<Names> {
  const ids = (f: (c: CallRow) => (string | null)[]) => [...new Set(calls.flatMap(f).filter((x): x is string => !!x))];
  const names: Names = { people: new Map(), organizations: new Map(), tickets: new Map() };
  await Promise.all([
    ...ids((c) => [c.user_id, c.agent_id, c.callback_done_by]).map(async (id) => {
      const u = await findUserById(app.db, id);
      if (u) names.people.set(id, { id, name: u.name, email: u.email });
    }),
    ...ids((c) => [c.organization_id]).map(async (id) => {
      const o = await findOrganization(app.db, id);
      if (o) names.organizations.set(id, { id, name: o.name });
    }),
    ...ids((c) => [c.ticket_id]).map(async (id) => {
      const t = await findTicketById(app.db, id);
      if (t) names.tickets.set(id, { id, number: ticketNumber(t.number) });
    }),
  ]);
  return names;
}
