import { sql, type Insertable, type RawBuilder, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { DialectName } from '../../core/db/connect.js';
import { nextCounterValue } from '../../core/db/counters.js';
import { pick, prepare, prepareList, type ParamValue } from '../../core/db/prepared.js';
import { fullTextCount, fullTextMatch, searchWords } from '../../core/db/full-text.js';
import { isRemembered, memoInTransaction, rememberInTransaction } from '../../core/db/memo.js';
import type { Db } from '../db.js';
import type { TicketScope } from './tickets.policy.js';
import { contractDueSql, TICKET_SUBJECTS, type TicketTables } from './tickets.tables.js';

export type TicketRow = Selectable<TicketTables['tickets']>;
export type EntryRow = Selectable<TicketTables['timeline_entries']>;
export type AttachmentRow = Selectable<TicketTables['attachments']>;
export type CategoryRow = Selectable<TicketTables['categories']>;

const NUMBER = /^TD-(\d{1,12})$/i;

/**
 * A requester's part of the scope: the requests they made and those they watch (an IT manager may
 * add a colleague; the notices they get link to the request, which they may then read).
 */
const ownOrWatched = (requesterCol: 'requester_id' | 't.requester_id', idCol: 'tickets.id' | 't.id', userId: string) =>
  sql<SqlBool>`(${sql.ref(requesterCol)} = ${userId} or exists (select 1 from ticket_watchers tw where tw.ticket_id = ${sql.ref(idCol)} and tw.user_id = ${userId}))`;

/**
 * A request by id, read once per transaction (the reactions to its events share the row; what the
 * transaction writes to it through this module keeps the row current).
 */
export const findTicketById = (db: Db, id: string): Promise<TicketRow | undefined> =>
  memoInTransaction(db, `ticket:${id}`, () => ticketById.first(db, { id })).then((t) => t && { ...t });

const ticketById = prepare((db: Db, p: { id: string }) => db.selectFrom('tickets').selectAll().where('id', '=', p.id));

/** The scoped reads of a request, prepared once per shape of the scope (by number or id, by organization, by requester). */
const scopedReads = new Map<string, ReturnType<typeof prepareScoped>>();
const prepareScoped = (byNumber: boolean, byOrganization: boolean, byRequester: boolean) => ({
  row: prepare((db: Db, p: { ref: string | number; organizationId: string; requesterId: string }) => {
    let q = db.selectFrom('tickets').selectAll();
    q = byNumber ? q.where('number', '=', p.ref as number) : q.where('id', '=', p.ref as string);
    if (byOrganization) q = q.where('organization_id', '=', p.organizationId);
    if (byRequester) q = q.where(ownOrWatched('requester_id', 'tickets.id', p.requesterId));
    return q;
  }),
  withNames: prepare((db: Db, p: { ref: string | number; organizationId: string; requesterId: string }) => {
    let q = db
      .selectFrom('tickets as t')
      .innerJoin('users as r', 'r.id', 't.requester_id')
      .innerJoin('organizations as o', 'o.id', 't.organization_id')
      .leftJoin('users as a', 'a.id', 't.assignee_id')
      .selectAll('t')
      .select(['r.name as requester_name', 'r.email as requester_email', 'o.name as organization_name', 'a.name as assignee_name']);
    q = byNumber ? q.where('t.number', '=', p.ref as number) : q.where('t.id', '=', p.ref as string);
    if (byOrganization) q = q.where('t.organization_id', '=', p.organizationId);
    if (byRequester) q = q.where(ownOrWatched('t.requester_id', 't.id', p.requesterId));
    return q;
  }),
});

function scoped(scope: TicketScope, idOrNumber: string) {
  const m = NUMBER.exec(idOrNumber);
  const key = `${Boolean(m)},${Boolean(scope.organizationId)},${Boolean(scope.requesterId)}`;
  let reads = scopedReads.get(key);
  if (!reads) scopedReads.set(key, (reads = prepareScoped(Boolean(m), Boolean(scope.organizationId), Boolean(scope.requesterId))));
  // The values a shape leaves out are bound nowhere; '' stands in for them.
  return { reads, params: { ref: m ? Number(m[1]) : idOrNumber, organizationId: scope.organizationId ?? '', requesterId: scope.requesterId ?? '' } };
}

/** A ticket by id or number (`TD-000123`), within what the scope may see. */
export function findTicket(db: Db, scope: TicketScope, idOrNumber: string) {
  if (!NUMBER.test(idOrNumber) && !scope.organizationId && !scope.requesterId) return findTicketById(db, idOrNumber);
  const { reads, params } = scoped(scope, idOrNumber);
  return reads.row.first(db, params);
}

/** A ticket within the scope, with the names its detail view shows: one query. */
export function findTicketWithNames(db: Db, scope: TicketScope, idOrNumber: string) {
  const { reads, params } = scoped(scope, idOrNumber);
  return reads.withNames.first(db, params);
}

export type TicketWithNames = NonNullable<Awaited<ReturnType<typeof findTicketWithNames>>>;

export type NewTicket = Omit<TicketTables['tickets'], 'number' | 'sla_due_at'>;
const NEW_TICKET_COLUMNS = ['id', 'type', 'subject', 'description', 'requester_id', 'organization_id', 'channel', 'category_id', 'impact', 'urgency', 'priority', 'status', 'line', 'group_id', 'assignee_id', 'version', 'created_by', 'created_at', 'updated_at', 'first_response_at', 'resolved_at', 'closed_at', 'reopened_count'] as const satisfies readonly (keyof NewTicket)[];
/** SQLite: the number given (the gap-free counter); PostgreSQL: the sequence's `nextval` in the insert itself. */
const insertNumbered = prepare((db: Db, p: NewTicket & { number: number }) => db.insertInto('tickets').values({ ...pick(p, NEW_TICKET_COLUMNS), number: p.number }).returningAll());
const insertSequenced = prepare((db: Db, p: NewTicket) => db.insertInto('tickets').values({ ...pick(p, NEW_TICKET_COLUMNS), number: sql<number>`nextval('ticket_number_seq')` }).returningAll());

/** Inserts a request with the next request number and gives its row. */
export async function insertTicket(db: Db, dialect: DialectName, row: NewTicket) {
  const t = dialect === 'sqlite' ? await insertNumbered.first(db, { ...row, number: await nextCounterValue(db, 'ticket_number') }) : await insertSequenced.first(db, row);
  if (!t) throw new Error('The request was not inserted');
  rememberInTransaction(db, `ticket:${t.id}`, t);
  rememberInTransaction(db, `created:${t.id}`, true);
  return t;
}

/**
 * Whether the request was made in this very transaction: then no other module has a row of its own
 * about it yet but those written in this transaction (a reaction that remembers what it writes needs
 * not look for an older one).
 */
export const createdInTransaction = (db: Db, id: string): boolean => isRemembered(db, `created:${id}`);

type TicketPatch = Updateable<TicketTables['tickets']>;
/** The version-checked update, prepared once per set of columns it sets (a few dozen at most come from the code). */
const updates = new Map<string, ReturnType<typeof prepareUpdate>>();
const prepareUpdate = (columns: (keyof TicketPatch)[]) =>
  prepare((db: Db, p: Record<string, ParamValue>) =>
    db
      .updateTable('tickets')
      .set({ ...(Object.fromEntries(columns.map((c) => [c, p[`set_${c}`]])) as TicketPatch), version: p.next as number })
      .where('id', '=', p.id as string)
      .where('version', '=', p.version as number)
      .returningAll(),
  );

/** Updates a ticket if it is still at `version`, and bumps the version; false when it moved on. */
export async function updateTicket(db: Db, id: string, version: number, patch: TicketPatch) {
  const columns = (Object.keys(patch) as (keyof TicketPatch)[]).filter((c) => patch[c] !== undefined).sort();
  const key = columns.join(',');
  let update = updates.get(key);
  if (!update && updates.size < 100) updates.set(key, (update = prepareUpdate(columns)));
  const t = update
    ? await update.first(db, { id, version, next: version + 1, ...Object.fromEntries(columns.map((c) => [`set_${c}`, patch[c] as ParamValue])) })
    : await db.updateTable('tickets').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).returningAll().executeTakeFirst();
  if (t) rememberInTransaction(db, `ticket:${id}`, t);
  return t !== undefined;
}

/**
 * Sets the requests' `sla_due_at` from their clocks as they are now (the SLA engine calls it when
 * it has changed a contract clock); a request whose due instant stays is not written.
 */
export async function refreshSlaDue(db: Db, ticketIds: string[]) {
  if (!ticketIds.length) return;
  if (ticketIds.length === 1) {
    const row = await refreshOneSlaDue.first(db, { id: ticketIds[0]! });
    if (row) rememberInTransaction(db, `ticket:${row.id}`, row);
    return;
  }
  const rows = await db
    .updateTable('tickets as t')
    .set({ sla_due_at: contractDueSql })
    .where('t.id', 'in', ticketIds)
    .where(sql<SqlBool>`t.sla_due_at is distinct from ${contractDueSql}`)
    .returningAll()
    .execute();
  for (const r of rows) rememberInTransaction(db, `ticket:${r.id}`, r);
}

const refreshOneSlaDue = prepare((db: Db, p: { id: string }) =>
  db
    .updateTable('tickets as t')
    .set({ sla_due_at: contractDueSql })
    .where('t.id', '=', p.id)
    .where(sql<SqlBool>`t.sla_due_at is distinct from ${contractDueSql}`)
    .returningAll(),
);

export type SortField = 'created_at' | 'updated_at' | 'number' | 'due';

/** The SLA states a list can be filtered by (any of those asked for). */
export type SlaState = 'running' | 'paused' | 'at_risk' | 'breached';

export interface TicketListQuery {
  statuses?: string[];
  organizationId?: string;
  /** Requests of the organizations on this plan. */
  planId?: string;
  line?: string;
  groupId?: string;
  /** A person's id, or null for unassigned requests. */
  assigneeId?: string | null;
  requesterId?: string;
  type?: string;
  priorities?: string[];
  channels?: string[];
  sla?: { states: SlaState[]; now: string; riskBefore: string; riskShare: 0.75 | 0.9 };
  /** Whether the internal line budget counts for the SLA state filters (staff only). */
  withLineClock?: boolean;
  updatedSince?: string;
  tag?: string;
  text?: string;
  sort: SortField;
  direction: 'asc' | 'desc';
  /** The sort value and id of the last row of the previous page (the due instant may be null). */
  after?: [string | number | null, string];
  limit: number;
}

/**
 * A request in any of the SLA states asked for. The states shown by a live (running or paused)
 * clock's own columns (running, at risk, breached) are one look at those clocks, so that a request
 * is checked once whatever the states: found from the clocks (`t.id in (…)`), in the partial index
 * of live clocks (2026-12-09-51), which holds every column the look tests (no clock row is read;
 * SQLite takes a partial index only when the query states its condition, hence the `c.state in`
 * written out); or, `perRow`, checked on each request's own clocks as an index hands the requests
 * over in the list's order (the due-first queues), until the page is full. There `c.state || ''`
 * keeps SQLite off the clocks' indexes by state, which it would otherwise walk whole for every
 * request (PostgreSQL, with its statistics, needs no such hint and is better without). Paused (a
 * paused clock and no running one) is a fact of the request, not of one clock: a look of its own.
 */
function slaStatesCondition(states: SlaState[], f: NonNullable<TicketListQuery['sla']>, withLine: boolean, perRow: boolean, dialect: DialectName) {
  const st = perRow && dialect === 'sqlite' ? sql`(c.state || '')` : sql`c.state`;
  const ids = (where: RawBuilder<unknown>) =>
    perRow ? sql<SqlBool>`exists (select 1 from sla_clocks c where c.ticket_id = t.id and ${where})` : sql<SqlBool>`t.id in (select c.ticket_id from sla_clocks c where ${where})`;
  const whole = liveClocks(states, f, withLine, st);
  if (whole) return ids(whole);
  // Paused alone or with the states of a clock: a paused clock and no running one, besides them.
  const paused = sql<SqlBool>`(${ids(sql`${liveClocks(['paused', 'running'], f, withLine, st)!} and ${st} = 'paused'`)} and not ${ids(liveClocks(['running'], f, withLine, st)!)})`;
  const others = liveClocks(states.filter((x) => x !== 'paused'), f, withLine, st);
  return others ? sql<SqlBool>`(${ids(others)} or ${paused})` : paused;
}

/**
 * The condition on a live clock (`c`) of a request in any of these states, when they are all
 * states a single clock shows (running, at risk, breached; paused with running: any live clock);
 * undefined for paused without running, a fact of the request's clocks together. `st`: the
 * state column as the statement refers to it.
 */
function liveClocks(states: SlaState[], f: NonNullable<TicketListQuery['sla']>, withLine: boolean, st: RawBuilder<unknown>) {
  if (!states.length || (states.includes('paused') && !states.includes('running'))) return undefined;
  const line = withLine ? sql`` : sql` and c.metric <> 'line'`;
  const live = sql`${st} in ('running', 'paused') and c.target_minutes > 0${line}`;
  if (states.includes('paused')) return live;
  const warned = sql.ref(f.riskShare === 0.9 ? 'c.warned_90' : 'c.warned_75');
  const ofClock = {
    running: sql`${st} = 'running'`,
    // Not yet run out, but due soon or past the warning share (marked by the engine's timer in business time).
    at_risk: sql`(${st} = 'running' and c.breached_at is null and c.deadline >= ${f.now} and (c.deadline <= ${f.riskBefore} or ${warned} = 1))`,
    breached: sql`(c.breached_at is not null or c.deadline < ${f.now})`,
  };
  const any = states.map((x) => ofClock[x as keyof typeof ofClock]);
  return sql`${live} and ${any.length === 1 ? any[0]! : sql`(${sql.join(any, sql` or `)})`}`;
}

/**
 * The search (`q=`): a request number (`TD-123`, `#123`) finds that request only; otherwise every
 * word must start a word of the subject, and a plain number may also be the request's.
 */
async function textCondition(db: Db, dialect: DialectName, text: string) {
  const number = /^(?:TD-|#)(\d{1,12})$/i.exec(text.trim());
  if (number) return sql<SqlBool>`t.number = ${Number(number[1])}`;
  const words = await fullTextMatch(db, dialect, TICKET_SUBJECTS, 't', searchWords(text));
  return /^\d{1,12}$/.test(text.trim()) ? sql<SqlBool>`(t.number = ${Number(text.trim())} or ${words})` : words;
}

/**
 * The list's filters, shared by a page and its count. `perRow`: the page is read in the order of
 * an index and its SLA state is checked per request (see slaStatesCondition). `openIndex`: open
 * statuses are asked of the open requests' index (a page in a time order; a count that searches
 * words and needs their numbers); otherwise of the index by status and line (a queue's count).
 */
async function filtered(
  db: Db,
  scope: TicketScope,
  f: Omit<TicketListQuery, 'sort' | 'direction' | 'limit'>,
  dialect: DialectName,
  perRow = false,
  openIndex = true,
) {
  const text = f.text === undefined ? undefined : await textCondition(db, dialect, f.text);
  let q = db.selectFrom('tickets as t');
  if (scope.organizationId) q = q.where('t.organization_id', '=', scope.organizationId);
  if (scope.requesterId)
    q =
      scope.watches === false
        ? q.where('t.requester_id', '=', scope.requesterId)
        : q.where(ownOrWatched('t.requester_id', 't.id', scope.requesterId));
  if (dialect === 'sqlite' && openIndex && f.statuses?.length && f.statuses.every((s) => s !== 'resolved' && s !== 'closed')) {
    // Open requests only: said as the partial index of the open requests says it (SQLite takes
    // the index only then), and the status list kept off the index by status, which would find
    // every open request and sort them all rather than walk the open ones in order. PostgreSQL
    // sees for itself that open statuses are within that index (the condition said twice would
    // only spoil its estimate of the rows).
    q = q.where(sql<SqlBool>`t.status not in ('resolved', 'closed')`).where(sql<SqlBool>`+t.status in (${sql.join(f.statuses)})`);
  } else if (f.statuses?.length) q = q.where('t.status', 'in', f.statuses as TicketRow['status'][]);
  if (f.organizationId) q = q.where('t.organization_id', '=', f.organizationId);
  if (f.planId) {
    const planId = f.planId;
    q = q.where('t.organization_id', 'in', (eb) =>
      eb.selectFrom('organizations').select('id').where('plan_id', '=', planId),
    );
  }
  if (f.line) q = q.where('t.line', '=', f.line as TicketRow['line']);
  if (f.groupId) q = q.where('t.group_id', '=', f.groupId);
  if (f.assigneeId === null) q = q.where('t.assignee_id', 'is', null);
  else if (f.assigneeId) q = q.where('t.assignee_id', '=', f.assigneeId);
  if (f.requesterId) q = q.where('t.requester_id', '=', f.requesterId);
  if (f.type) q = q.where('t.type', '=', f.type as TicketRow['type']);
  if (f.priorities?.length) q = q.where('t.priority', 'in', f.priorities as TicketRow['priority'][]);
  if (f.channels?.length) q = q.where('t.channel', 'in', f.channels as TicketRow['channel'][]);
  if (f.sla?.states.length) {
    const sla = f.sla;
    q = q.where(slaStatesCondition(sla.states, sla, f.withLineClock ?? false, perRow, dialect));
  }
  if (f.updatedSince) q = q.where('t.updated_at', '>=', f.updatedSince);
  if (f.tag) {
    const tag = f.tag;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('ticket_tags as tg')
          .select('tg.tag')
          .whereRef('tg.ticket_id', '=', 't.id')
          .where('tg.tag', '=', tag),
      ),
    );
  }
  if (text) q = q.where(text);
  return q;
}

/** How many requests match the list's filters. */
export async function countTickets(
  db: Db,
  dialect: DialectName,
  scope: TicketScope,
  f: Omit<TicketListQuery, 'sort' | 'direction' | 'limit'>,
) {
  const { text, withLineClock: _, ...others } = f;
  const words = text === undefined || /^(?:(?:TD-|#)?\d{1,12})$/i.test(text.trim()) ? undefined : searchWords(text);
  // Words alone, and the caller sees every request: the search index's own count of its matches.
  const everything = !scope.organizationId && !scope.requesterId;
  if (words && everything && Object.values(others).every((v) => v === undefined)) return fullTextCount(db, dialect, TICKET_SUBJECTS, words);
  // SLA states alone that a clock shows, and the caller sees every request: the requests of those
  // clocks, counted from the live clocks' index alone (each clock's request exists: a foreign key).
  const { sla, ...rest } = others;
  const clocks = sla && text === undefined && everything && Object.values(rest).every((v) => v === undefined) && liveClocks(sla.states, sla, f.withLineClock ?? false, sql`c.state`);
  if (clocks) {
    // SQLite: the live clocks in request order (2026-12-10-28), so that each request is counted as
    // its clocks go by; from the index by state it sorted them all in a temporary tree first (two
    // thirds of the count's time). It would not take that index by itself: its state comes first.
    const from = dialect === 'sqlite' ? sql`sla_clocks c indexed by sla_clocks_live_by_ticket` : sql`sla_clocks c`;
    const { rows } = await sql<{ n: number | string }>`select count(distinct c.ticket_id) as n from ${from} where ${clocks}`.execute(db);
    return Number(rows[0]?.n ?? 0);
  }
  const r = await (await filtered(db, scope, f, dialect, false, text !== undefined))
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** One page of the ticket list, with the requester's and organization's names. */
export async function listTickets(db: Db, dialect: DialectName, scope: TicketScope, f: TicketListQuery) {
  const page = async (perRow = false, openIndex = true) =>
    (await filtered(db, scope, f, dialect, perRow, openIndex))
      .innerJoin('users as r', 'r.id', 't.requester_id')
      .innerJoin('organizations as o', 'o.id', 't.organization_id')
      .leftJoin('users as a', 'a.id', 't.assignee_id')
      .selectAll('t')
      .select(['r.name as requester_name', 'r.email as requester_email', 'o.name as organization_name', 'a.name as assignee_name']);
  if (f.sort === 'due') {
    // Due first by the contract's clocks, as the SLA column shows them (the line budget has its own
    // column), then the requests with no running clock, by id. Two reads in index order: the
    // running ones by their kept due instant, and only if the page is not full, the others.
    const [value, id] = f.after ?? [undefined, undefined];
    let rows: Awaited<ReturnType<Awaited<ReturnType<typeof page>>['execute']>> = [];
    if (value !== null) {
      let q = (await page(true, false)).where('t.sla_due_at', 'is not', null);
      if (value !== undefined)
        q = q.where((eb) => eb.or([eb('t.sla_due_at', '>', value as string), eb.and([eb('t.sla_due_at', '=', value as string), eb('t.id', '>', id!)])]));
      rows = await q.orderBy('t.sla_due_at').orderBy('t.id').limit(f.limit).execute();
    }
    if (rows.length === f.limit) return rows;
    let q = (await page(false, false)).where('t.sla_due_at', 'is', null);
    if (value === null) q = q.where('t.id', '>', id!);
    return [...rows, ...(await q.orderBy('t.id').limit(f.limit - rows.length).execute())];
  }
  const col = `t.${f.sort}` as const;
  const cmp = f.direction === 'desc' ? '<' : '>';
  let q = await page();
  if (f.after) {
    const [value, id] = f.after;
    q = q.where((eb) =>
      eb.or([eb(col, cmp, value as never), eb.and([eb(col, '=', value as never), eb('t.id', cmp, id)])]),
    );
  }
  return q.orderBy(col, f.direction).orderBy('t.id', f.direction).limit(f.limit).execute();
}

// Watchers, tags, links

/** Whether the person watches any request (the index by person, 2026-12-06-80). */
export const watchesAny = async (db: Db, userId: string) =>
  (await db.selectFrom('ticket_watchers').select('ticket_id').where('user_id', '=', userId).limit(1).executeTakeFirst()) !== undefined;

export const listWatchers = (db: Db, ticketId: string) => watchersOf.all(db, { ticketId });
const watchersOf = prepare((db: Db, p: { ticketId: string }) =>
  db.selectFrom('ticket_watchers as w').innerJoin('users as u', 'u.id', 'w.user_id').select(['u.id', 'u.name', 'u.email', 'u.role']).where('w.ticket_id', '=', p.ticketId).orderBy('u.name'),
);

/**
 * The request's watchers (their ids, by name) and, in the same statement, the people `ids` names:
 * every one's whole row, for a caller that needs both (the recipients of a notice).
 */
export async function watchersAndPeople(db: Db, ticketId: string, ids: string[]) {
  if (!ids.length) return { watcherIds: (await listWatchers(db, ticketId)).map((w) => w.id), people: [] };
  const rows = await peopleAndWatchers.all(db, { ticketId }, [...new Set(ids)]);
  return {
    watcherIds: rows.filter((r) => r.watching).map((r) => r.id),
    people: rows.map(({ watching: _, ...user }) => user),
  };
}

const peopleAndWatchers = prepareList((db: Db, p: { ticketId: string }, ids) =>
  db
    .selectFrom('users as u')
    .selectAll('u')
    .select((eb) => eb.exists(eb.selectFrom('ticket_watchers as w').select(sql`1`.as('one')).where('w.ticket_id', '=', p.ticketId).whereRef('w.user_id', '=', 'u.id')).as('watching'))
    .where((eb) => eb.or([eb('u.id', 'in', ids as string[]), eb('u.id', 'in', eb.selectFrom('ticket_watchers').select('user_id').where('ticket_id', '=', p.ticketId))]))
    .orderBy('u.name'),
);

export const addWatcher = (db: Db, ticketId: string, userId: string) =>
  db
    .insertInto('ticket_watchers')
    .values({ ticket_id: ticketId, user_id: userId })
    .onConflict((oc) => oc.columns(['ticket_id', 'user_id']).doNothing())
    .execute();

/** The organization's active IT managers watch the request, in one statement. */
export const addManagersAsWatchers = (db: Db, ticketId: string, organizationId: string) => insertManagersAsWatchers.run(db, { ticketId, organizationId });
const insertManagersAsWatchers = prepare((db: Db, p: { ticketId: string; organizationId: string }) =>
  db
    .insertInto('ticket_watchers')
    .columns(['ticket_id', 'user_id'])
    .expression(
      db
        .selectFrom('users')
        .select([sql<string>`cast(${p.ticketId} as text)`.as('ticket_id'), 'id as user_id'])
        .where('organization_id', '=', p.organizationId)
        .where('role', '=', 'client_manager')
        .where('active', '=', 1),
    ),
);

export const removeWatcher = (db: Db, ticketId: string, userId: string) =>
  db.deleteFrom('ticket_watchers').where('ticket_id', '=', ticketId).where('user_id', '=', userId).executeTakeFirst();

/** A request's tags, sorted (read once per transaction). */
export const listTags = async (db: Db, ticketId: string) => [
  ...(await memoInTransaction(db, `tags:${ticketId}`, async () => (await db.selectFrom('ticket_tags').select('tag').where('ticket_id', '=', ticketId).orderBy('tag').execute()).map((r) => r.tag))),
];

/** Sets a request's tags; given the ones it has (`old`), only those gone are deleted and only new ones inserted. */
export async function replaceTags(db: Db, ticketId: string, tags: string[], old?: string[]) {
  const gone = old?.filter((tag) => !tags.includes(tag));
  const added = old ? tags.filter((tag) => !old.includes(tag)) : tags;
  if (!old) await db.deleteFrom('ticket_tags').where('ticket_id', '=', ticketId).execute();
  else if (gone!.length) await db.deleteFrom('ticket_tags').where('ticket_id', '=', ticketId).where('tag', 'in', gone!).execute();
  if (added.length) await db.insertInto('ticket_tags').values(added.map((tag) => ({ ticket_id: ticketId, tag }))).execute();
  rememberInTransaction(db, `tags:${ticketId}`, [...tags].sort());
}

/** Links in both directions, each with the ticket at the other end. */
export function listLinks(db: Db, ticketId: string) {
  const cols = ['l.id', 'l.kind', 'l.from_ticket_id', 'o.id as other_id', 'o.number as other_number', 'o.subject as other_subject', 'o.status as other_status'] as const;
  return db
    .selectFrom('ticket_links as l')
    .innerJoin('tickets as o', 'o.id', 'l.to_ticket_id')
    .select(cols)
    .where('l.from_ticket_id', '=', ticketId)
    .unionAll(
      db
        .selectFrom('ticket_links as l')
        .innerJoin('tickets as o', 'o.id', 'l.from_ticket_id')
        .select(cols)
        .where('l.to_ticket_id', '=', ticketId),
    )
    .execute();
}

/** The requests that these requests link to with links of this kind (one step along the links). */
export const linkedFrom = (db: Db, fromIds: string[], kind: TicketTables['ticket_links']['kind']) =>
  db.selectFrom('ticket_links').select(['from_ticket_id', 'to_ticket_id']).where('from_ticket_id', 'in', fromIds).where('kind', '=', kind).execute();

export const insertLink = (db: Db, row: Insertable<TicketTables['ticket_links']>) => db.insertInto('ticket_links').values(row).execute();

export const findLink = (db: Db, ticketId: string, linkId: string) =>
  db
    .selectFrom('ticket_links')
    .selectAll()
    .where('id', '=', linkId)
    .where((eb) => eb.or([eb('from_ticket_id', '=', ticketId), eb('to_ticket_id', '=', ticketId)]))
    .executeTakeFirst();

export const deleteLink = (db: Db, linkId: string) => db.deleteFrom('ticket_links').where('id', '=', linkId).execute();

// Timeline and attachments

type NewEntry = Omit<TicketTables['timeline_entries'], 'id'>;
const insertOneEntry = prepare((db: Db, p: NewEntry) =>
  db
    .insertInto('timeline_entries')
    .values({ ticket_id: p.ticket_id, kind: p.kind, author_id: p.author_id, body: p.body, event_type: p.event_type, data: p.data, created_at: p.created_at, rule_id: p.rule_id, rule_name: p.rule_name })
    .returningAll(),
);

export async function insertEntry(db: Db, row: Insertable<TicketTables['timeline_entries']>): Promise<number> {
  const e = await insertOneEntry.first(db, {
    ticket_id: row.ticket_id,
    kind: row.kind,
    author_id: row.author_id ?? null,
    body: row.body,
    event_type: row.event_type ?? null,
    data: row.data ?? null,
    created_at: row.created_at,
    ...ruleColumns(db, row),
  });
  if (!e) throw new Error('The timeline entry was not inserted');
  rememberInTransaction(db, `entry:${e.id}`, e);
  return Number(e.id);
}

/** Writes several timeline entries in one statement (not remembered: nobody reads them back in the transaction). */
export const insertEntries = (db: Db, rows: Insertable<TicketTables['timeline_entries']>[]) =>
  db.insertInto('timeline_entries').values(rows.map((r) => ({ ...r, ...ruleColumns(db, r) }))).execute();

/** The automation rule whose actions run now in a transaction, and the request they run on. */
const attributions = new WeakMap<Db, { ticketId: string; rule: { id: string; name: string } }>();

/**
 * Runs `fn` (an automation rule's actions on a request) so that each timeline entry it writes on
 * that request through this module shows as made by the rule: every entry is written here.
 */
export async function attributingEntries<T>(db: Db, ticketId: string, rule: { id: string; name: string }, fn: () => Promise<T>): Promise<T> {
  const outer = attributions.get(db);
  attributions.set(db, { ticketId, rule });
  try {
    return await fn();
  } finally {
    if (outer) attributions.set(db, outer);
    else attributions.delete(db);
  }
}

/** The rule columns of an entry: its own, else the rule running on its request, else none. */
function ruleColumns(db: Db, row: Pick<Insertable<TicketTables['timeline_entries']>, 'ticket_id' | 'rule_id' | 'rule_name'>) {
  if (row.rule_id) return { rule_id: row.rule_id, rule_name: row.rule_name ?? null };
  const a = attributions.get(db);
  return a && a.ticketId === row.ticket_id ? { rule_id: a.rule.id, rule_name: a.rule.name } : { rule_id: null, rule_name: null };
}

export function listEntries(db: Db, ticketId: string, publicOnly: boolean, publicEvents: Set<string>) {
  let q = db
    .selectFrom('timeline_entries as e')
    .leftJoin('users as u', 'u.id', 'e.author_id')
    .selectAll('e')
    .select(['u.name as author_name', 'u.role as author_role'])
    .where('e.ticket_id', '=', ticketId);
  if (publicOnly)
    q = q.where((eb) =>
      eb.or([eb('e.kind', '=', 'reply'), eb.and([eb('e.kind', '=', 'event'), eb('e.event_type', 'in', [...publicEvents])])]),
    );
  return q.orderBy('e.id').execute();
}

/** A timeline entry of the request; one the transaction wrote without reading it again. */
export const findEntry = (db: Db, ticketId: string, id: number): Promise<EntryRow | undefined> =>
  memoInTransaction(db, `entry:${id}`, () => db.selectFrom('timeline_entries').selectAll().where('id', '=', id).executeTakeFirst()).then(
    (e) => (e?.ticket_id === ticketId ? { ...e } : undefined),
  );

export const insertAttachment = (db: Db, row: Insertable<TicketTables['attachments']>) => db.insertInto('attachments').values(row).execute();

export const listAttachments = (db: Db, ticketId: string) =>
  db.selectFrom('attachments').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at').execute();

export const findAttachment = (db: Db, ticketId: string, id: string) =>
  db
    .selectFrom('attachments as at')
    .innerJoin('timeline_entries as e', 'e.id', 'at.entry_id')
    .selectAll('at')
    .select('e.kind as entry_kind')
    .where('at.ticket_id', '=', ticketId)
    .where('at.id', '=', id)
    .executeTakeFirst();

// Categories

export const listCategories = (db: Db) => db.selectFrom('categories').selectAll().orderBy('name').execute();
export const findCategory = (db: Db, id: string) => db.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst();
export const insertCategory = (db: Db, row: Insertable<TicketTables['categories']>) => db.insertInto('categories').values(row).execute();
export const updateCategory = (db: Db, id: string, patch: Updateable<TicketTables['categories']>) =>
  db.updateTable('categories').set(patch).where('id', '=', id).execute();

/**
 * The requester's most recently updated request that is still open (not resolved or closed) and
 * was updated since `since`, if any: the one a message without a request number continues (SMS).
 */
export const recentOpenTicket = (db: Db, requesterId: string, organizationId: string, since: string) =>
  db
    .selectFrom('tickets')
    .select(['id', 'number'])
    .where('requester_id', '=', requesterId)
    .where('organization_id', '=', organizationId)
    .where('status', 'not in', ['resolved', 'closed'])
    .where('updated_at', '>=', since)
    .orderBy('updated_at', 'desc')
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
