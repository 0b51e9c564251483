import type { Db } from '../db.js';
import { CLIENT_ROLES, findUsersOnce, listActiveByRole, rememberUsers, SYSTEM_USER_ID, type UserRow } from '../identity/index.js';
import { watchersAndPeople, type TicketRow } from '../tickets/index.js';

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
 * company (who may not know the request exists). `alsoRead`: other people the caller will look up
 * (findUsersOnce), read with the watchers.
 */
export async function recipientsOf(db: Db, t: TicketRow, rules: Rule[], actorId: string | null, alsoRead: string[] = []): Promise<Recipient[]> {
  // The watchers and the people named by id in one statement, which the look-ups below then find read.
  let watcherIds: string[] = [];
  if (rules.includes('watchers')) {
    const byId = [...(rules.includes('requester') ? [t.requester_id] : []), ...(t.assignee_id && (rules.includes('assignee') || rules.includes('assignee_or_line')) ? [t.assignee_id] : []), ...alsoRead];
    const read = await watchersAndPeople(db, t.id, byId);
    rememberUsers(db, read.people, byId);
    watcherIds = read.watcherIds;
  }
  // In the rules' order: people named by id (read together, once per transaction) or read whole.
  const named: (string | UserRow)[] = [];
  for (const rule of rules) {
    if (rule === 'requester') named.push(t.requester_id);
    if (rule === 'watchers') named.push(...watcherIds);
    if (rule === 'assignee' && t.assignee_id) named.push(t.assignee_id);
    if (rule === 'line' || (rule === 'assignee_or_line' && !t.assignee_id)) named.push(...(await listActiveByRole(db, 'agent', t.line)));
    if (rule === 'assignee_or_line' && t.assignee_id) named.push(t.assignee_id);
    if (rule === 'managers') named.push(...(await listActiveByRole(db, 'manager')));
  }
  const byId = await findUsersOnce(db, named.filter((n): n is string => typeof n === 'string'));
  const found = new Map<string, UserRow>();
  for (const n of named) {
    const u = typeof n === 'string' ? byId.get(n) : n;
    if (u) found.set(u.id, u);
  }
  return [...found.values()]
    .filter((u) => u.id !== actorId && u.id !== SYSTEM_USER_ID && u.active === 1)
    .filter((u) => sideOf(u) === 'staff' || u.organization_id === t.organization_id)
    .map((user) => ({ user, side: sideOf(user) }));
}
