import { sql } from 'kysely';
import { prepare } from '../../core/db/prepared.js';
import type { AppContext, Db } from '../db.js';
import { changeAutomatically, findTicketById, type TicketRow } from '../tickets/index.js';

const CYRILLIC = /[\u0400-\u04FF]/;

/** The language a request is written in, as far as assignment cares: Russian if it has Cyrillic. */
export const requestLanguage = (t: Pick<TicketRow, 'subject' | 'description'>): 'ru' | 'en' =>
  CYRILLIC.test(`${t.subject} ${t.description}`) ? 'ru' : 'en';

export interface Candidate {
  id: string;
  name: string;
  languages: string[];
  skills: string[];
  load: number;
}

/**
 * The agent a request should go to: available, at the request's line, speaking its language; of
 * those, one whose skills name the request's category first, then the least loaded. None if no one
 * fits: the request waits in the line's queue rather than go to someone who cannot read it.
 */
export function chooseAgent(candidates: Candidate[], language: string, categoryNames: string[]): Candidate | undefined {
  const wanted = new Set(categoryNames.map((n) => n.toLowerCase()));
  const skilled = (c: Candidate) => (c.skills.some((s) => wanted.has(s.toLowerCase())) ? 0 : 1);
  return candidates
    .filter((c) => c.languages.length === 0 || c.languages.includes(language))
    .sort((a, b) => skilled(a) - skilled(b) || a.load - b.load || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))[0];
}

const agentsAt = prepare((db: Db, p: { line: string }) =>
  db
    .selectFrom('users as u')
    .select((eb) => [
      'u.id',
      'u.name',
      'u.languages',
      'u.skills',
      eb
        .selectFrom('tickets as t')
        .select(sql<number>`count(*)`.as('n'))
        .whereRef('t.assignee_id', '=', 'u.id')
        .where('t.status', 'in', ['new', 'open', 'pending_customer', 'pending_vendor'])
        .as('load'),
    ])
    .where('u.role', '=', 'agent')
    .where('u.active', '=', 1)
    .where('u.availability', '=', 'available')
    .where('u.line', '=', p.line as 'L1'),
);

async function candidatesAt(db: Db, line: string): Promise<Candidate[]> {
  const rows = await agentsAt.all(db, { line });
  return rows.map((r) => ({ id: r.id, name: r.name, languages: JSON.parse(r.languages), skills: JSON.parse(r.skills), load: Number(r.load ?? 0) }));
}

async function categoryNames(db: Db, categoryId: string | null): Promise<string[]> {
  const names: string[] = [];
  for (let id = categoryId, depth = 0; id && depth < 10; depth++) {
    const c = await db.selectFrom('categories').select(['name', 'name_ru', 'parent_id']).where('id', '=', id).executeTakeFirst();
    if (!c) break;
    names.push(c.name, c.name_ru);
    id = c.parent_id;
  }
  return names;
}

/** Assigns an unassigned, active request to the best available agent of its line, if there is one. */
export async function assignAutomatically(app: AppContext, ticketId: string) {
  const t = await findTicketById(app.db, ticketId);
  if (!t || t.assignee_id || !['new', 'open'].includes(t.status)) return undefined;
  const agent = chooseAgent(await candidatesAt(app.db, t.line), requestLanguage(t), await categoryNames(app.db, t.category_id));
  if (!agent) return undefined;
  await changeAutomatically(app, t.id, { assigneeId: agent.id, reason: { code: 'auto_assigned', params: { line: t.line } }, by: 'auto' });
  return agent.id;
}
