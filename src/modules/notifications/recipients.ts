import type { Db } from '../db.js';
import { CLIENT_ROLES, findUserById, listActiveByRole, SYSTEM_USER_ID, type UserRow } from '../identity/index.js';
import { listWatchers, type TicketRow } from '../tickets/index.js';

/**
 * Who a notice about a request goes to, by rule: its requester; its watchers (the client's IT
 * managers watch every request of their company from the start); its assignee; the agents of its
 * line (`assignee_or_line`: the assignee, or the whole line while nobody has it); the service desk
 * managers.
 */
export type Rule = 'requester' | 'watchers' | 'assignee' | 'assignee_or_line' | 'line' | 'managers';

export interface Recipient {
  user: UserRow;
  /** Client-side people read client words and never staff-only notices. */
  side: 'client' | 'staff';
}

export const sideOf = (u: UserRow): Recipient['side'] => ((CLIENT_ROLES as readonly string[]).includes(u.role) ? 'client' : 'staff');

/**
 * The people the rules name, each once, leaving out: whoever did the thing (`actorId`; nobody is told
 * of their own action), the system user, deactivated accounts, and client-side people of another
 * company (who may not know the request exists).
 */
export async function recipientsOf(db: Db, t: TicketRow, rules: Rule[], actorId: string | null): Promise<Recipient[]> {
  const found = new Map<string, UserRow>();
  const add = (u: UserRow | undefined) => {
    if (u) found.set(u.id, u);
  };
  const byId = async (id: string | null) => add(id ? await findUserById(db, id) : undefined);
  for (const rule of rules) {
    if (rule === 'requester') await byId(t.requester_id);
    if (rule === 'watchers') for (const w of await listWatchers(db, t.id)) await byId(w.id);
    if (rule === 'assignee') await byId(t.assignee_id);
    if (rule === 'line' || (rule === 'assignee_or_line' && !t.assignee_id))
      for (const u of await listActiveByRole(db, 'agent', t.line)) add(u);
    if (rule === 'assignee_or_line' && t.assignee_id) await byId(t.assignee_id);
    if (rule === 'managers') for (const u of await listActiveByRole(db, 'manager')) add(u);
  }
  return [...found.values()]
    .filter((u) => u.id !== actorId && u.id !== SYSTEM_USER_ID && u.active === 1)
    .filter((u) => sideOf(u) === 'staff' || u.organization_id === t.organization_id)
    .map((user) => ({ user, side: sideOf(user) }));
}
