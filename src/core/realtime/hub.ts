import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import type { DialectName } from '../db/connect.js';
import type { FactExpression } from '../events/events.js';

/** Who may hear of a change: everyone on the provider's side, and on the client side as scoped here. */
export interface Audience {
  /** The client organization the subject belongs to; null: the provider's side only. */
  organizationId: string | null;
  /** The client-side person who owns the subject (e.g. a requester); others of the company hear only if they see the whole company. */
  ownerId: string | null;
  /** Whether the change is internal (a note, a handling change): the client side never hears of it. */
  internal: boolean;
}

/** A hint that something changed; the web app re-reads what it shows. It carries no content. */
export interface Change {
  type: string;
  subjectType: string;
  subjectId: string;
  /** Who is doing it, for presence hints ("someone is replying"). */
  actor?: { id: string; name: string };
}

/** A change with who may hear of it. */
export interface LiveMessage extends Change {
  audience: Audience;
}

/** Who may hear of a change, looked up after it committed (and only where someone listens). */
export type AudienceOf = (c: Change) => Promise<Audience>;

/** The person at the other end of a stream, as far as the audience rules need. */
export interface Listener {
  provider: boolean;
  organizationId: string | null;
  userId: string;
  /** A client-side person who sees every subject of the company (a client IT manager). */
  wholeOrganization: boolean;
}

/** Whether the listener may hear of the message. */
export function mayHear(l: Listener, m: LiveMessage): boolean {
  if (l.provider) return true;
  const a = m.audience;
  if (a.internal || !a.organizationId || a.organizationId !== l.organizationId) return false;
  return l.wholeOrganization || a.ownerId === l.userId;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const CHANNEL = 'tierdesk_live';

/**
 * Live updates, delivered after the change commits. On PostgreSQL the message is a NOTIFY sent in
 * the change's own transaction, so PostgreSQL hands it to every listening process on commit and drops
 * it on rollback. On SQLite (one process) the message waits for the connection the transaction holds:
 * a query queued behind it runs once the transaction has ended.
 */
export class LiveHub {
  private subscribers = new Set<(m: LiveMessage) => void>();
  private listener: pg.Client | null = null;
  private listening: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly db: AnyDb,
    private readonly dialect: DialectName,
    private readonly audienceOf: AudienceOf,
    private readonly pgOptions: { url?: string; schema?: string } = {},
  ) {}

  private get scope() {
    return this.pgOptions.schema ?? 'public';
  }

  /** Whether anyone may be listening: on SQLite only this process's streams can be. */
  get active(): boolean {
    return this.dialect === 'postgres' || this.subscribers.size > 0;
  }

  /**
   * On PostgreSQL, the NOTIFY of an event's change as an expression over its `events` row, for the
   * statement that appends the event to send it (see EventBus.fact): the same message `publish`
   * sends, without a statement of its own. Undefined on SQLite.
   */
  notifyOfEvent(): FactExpression | undefined {
    if (this.dialect !== 'postgres') return undefined;
    return (eb) => {
      const change = eb.fn('json_build_object', [sql.lit('type'), eb.ref('events.type'), sql.lit('subjectType'), eb.ref('events.subject_type'), sql.lit('subjectId'), eb.ref('events.subject_id')]);
      return sql`pg_notify(${CHANNEL}, json_build_object('scope', ${this.scope}::text, 'c', ${change})::text)`;
    };
  }

  /** Publishes from inside the transaction `trx` of the change. */
  async publish(trx: AnyDb, c: Change): Promise<void> {
    const change: Change = { type: c.type, subjectType: c.subjectType, subjectId: c.subjectId };
    if (this.dialect === 'postgres') {
      await sql`select pg_notify(${CHANNEL}, ${JSON.stringify({ scope: this.scope, c: change })})`.execute(trx);
      return;
    }
    if (!this.subscribers.size) return;
    // Not awaited: it runs when the transaction has released the connection.
    void sql`select 1`.execute(this.db).then(
      () => this.deliver(change),
      () => undefined,
    );
  }

  /** Publishes a passing hint that is no change of data (presence): at once, outside any transaction. */
  async publishNow(c: Change): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_notify(${CHANNEL}, ${JSON.stringify({ scope: this.scope, c })})`.execute(this.db);
    else await this.deliver(c);
  }

  /** Listens for messages (the first subscriber starts listening on PostgreSQL); returns the unsubscribe. */
  async subscribe(fn: (m: LiveMessage) => void): Promise<() => void> {
    this.subscribers.add(fn);
    if (this.dialect === 'postgres') await this.listen();
    return () => this.subscribers.delete(fn);
  }

  private async deliver(c: Change) {
    if (!this.subscribers.size) return;
    try {
      const m = { ...c, audience: await this.audienceOf(c) };
      for (const fn of this.subscribers) fn(m);
    } catch {
      // A hint that cannot be placed is dropped; the web app re-reads on its next change or reconnect.
    }
  }

  private listen() {
    this.listening ??= (async () => {
      const client = new pg.Client({ connectionString: this.pgOptions.url });
      client.on('notification', (n) => {
        if (n.channel !== CHANNEL || !n.payload) return;
        const { scope, c } = JSON.parse(n.payload) as { scope: string; c: Change };
        if (scope === this.scope) void this.deliver(c);
      });
      // A lost connection ends live updates until the next subscriber; the web app re-reads on reconnect.
      client.on('error', () => {
        this.listener = null;
        this.listening = null;
      });
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      if (this.closed) await client.end();
      else this.listener = client;
    })();
    return this.listening;
  }

  async close() {
    this.closed = true;
    this.subscribers.clear();
    await this.listening?.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }
}
