import { AsyncResource } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, PostgresQueryCompiler, sql, SqliteDialect, SqliteQueryCompiler, type LogEvent, type SqliteStatement } from 'kysely';
import pg from 'pg';
import { observeQuery, trackPool } from '../observability/metrics.js';
import { scopesRunning } from '../scoped.js';
import { checkpointInBackground } from './checkpoints.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Core helpers work on their own tables inside a caller's database of any wider schema; Kysely's
 * types do not narrow by themselves, so this does, for that purpose only.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const narrow = <T>(db: Kysely<any>): Kysely<T> => db as Kysely<T>;

/** An open database: the query builder, which engine is behind it, and how to close it. */
export interface DbHandle<DB> {
  db: Kysely<DB>;
  dialect: DialectName;
  close(): Promise<void>;
}

// Instants come back as ISO-8601 UTC strings and 64-bit integers (counts) as numbers, so that
// both engines return the same values to the same query code.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v).toISOString());
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface OpenOptions {
  /** PostgreSQL only: the schema to work in (created if missing); tests use one schema each. */
  pgSchema?: string;
  /** PostgreSQL only: the pool size. */
  poolSize?: number;
}

/*
 * Kysely's compilers escape every identifier of every query with a regular expression, a twentieth
 * of a write's CPU; identifiers with no quote in them (all of ours) need no escaping.
 */
class QuickSqliteCompiler extends SqliteQueryCompiler {
  protected override sanitizeIdentifier(identifier: string) {
    return identifier.includes('"') ? super.sanitizeIdentifier(identifier) : identifier;
  }
}
class QuickSqliteDialect extends SqliteDialect {
  override createQueryCompiler() {
    return new QuickSqliteCompiler();
  }
}
class QuickPostgresCompiler extends PostgresQueryCompiler {
  protected override sanitizeIdentifier(identifier: string) {
    return identifier.includes('"') ? super.sanitizeIdentifier(identifier) : identifier;
  }
}
class QuickPostgresDialect extends PostgresDialect {
  override createQueryCompiler() {
    return new QuickPostgresCompiler();
  }
}

/** Opens `sqlite:<file>` (or `sqlite::memory:`) or `postgres://…`. */
export function openDatabase<DB>(url: string, options: OpenOptions = {}): DbHandle<DB> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // Temporary storage in memory, above all the statement journals: each savepoint (one per caller
    // of a shared commit, see GroupCommit) keeps the pages it changes as they were, and past 64 KB
    // (a new request changes about 40 pages) SQLite spilled them to a temporary file, a write call
    // per page: two thirds of the write calls of the e-mail intake's main thread. Sorts too large
    // for the page cache and temporary tables stay in memory as well.
    sqlite.pragma('temp_store = MEMORY');
    // SQLite's lower() and LIKE fold ASCII letters only; this folds every letter (Cyrillic too).
    sqlite.function('unicode_lower', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : s));
    const db = new Kysely<DB>({ dialect: new QuickSqliteDialect({ database: reusingStatements(sqlite) }), log: timeQuery });
    groupCommits.set(db, new GroupCommit(db));
    // Rows this connection changed (all of its writes go through it), and SQLite's count of commits by other connections.
    const marking = sqlite.prepare('select total_changes(), data_version from pragma_data_version').raw(true);
    changeMarks.set(db, () => (marking.get() as number[]).join(':'));
    const stopCheckpoints = file === ':memory:' ? async () => undefined : checkpointInBackground(sqlite, path.resolve(file));
    return {
      db,
      dialect: 'sqlite',
      close: async () => {
        await stopCheckpoints();
        await db.destroy();
      },
    };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const schema = options.pgSchema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid schema name ${schema}`);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
      // Queries of one transaction issued together go out together (see namingStatements).
      pipeline: true,
    } as pg.PoolConfig);
    namingStatements(pool);
    const db = new Kysely<DB>({ dialect: new QuickPostgresDialect({ pool }), log: timeQuery });
    const untrack = trackPool(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));
    return {
      db,
      dialect: 'postgres',
      close: () => {
        untrack();
        return db.destroy();
      },
    };
  }
  throw new Error('DATABASE_URL must start with sqlite: or postgres://');
}

/** By SQLite database: its change mark (see `changeMark`). */
const changeMarks = new WeakMap<object, () => string>();

/**
 * A mark of the database's content: a later mark differs from this one if anything was written
 * since (by this process or another), so what was read under an equal mark still holds. Writes
 * rolled back move it too. Null where it cannot be known from here: PostgreSQL (other processes
 * write to it unseen), or a SQLite connection busy streaming rows.
 */
export function changeMark(db: object): string | null {
  const mark = changeMarks.get(db);
  if (!mark) return null;
  try {
    return mark();
  } catch {
    return null;
  }
}

/**
 * Queries go to PostgreSQL as named (prepared) statements, each text parsed and planned once per
 * connection instead of at every execution (a third of the database's CPU for a new request): up to
 * `max` texts per connection, the rest as before. A schema change made through this pool (a
 * migration) retires every name; one made by another process fails a `select *` prepared before it
 * once ("cached plan must not change result type"), after which that text is prepared afresh.
 *
 * And fewer writes to the socket, each of which costs as much CPU as the rest of a short statement
 * (the kernel hands the bytes to PostgreSQL and wakes it): the connections are pipelined, what a
 * connection is asked in one turn of the event loop (queries of one transaction issued together) is
 * written at once, and a transaction's `begin` waits to go out with its first statement. Should the
 * `begin` fail, that statement's caller hears of it.
 */
function namingStatements(pool: pg.Pool, max = 200) {
  let schemaVersion = 0;
  pool.on('connect', (client) => {
    let names = new Map<string, string>();
    let version = schemaVersion;
    let next = 0;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const send = (text: unknown, values?: unknown, callback?: unknown) => {
      if (typeof text === 'string' && SCHEMA_CHANGE.test(text)) schemaVersion++;
      else if (typeof text === 'string' && PREPARED.test(text)) {
        if (version !== schemaVersion) [names, version] = [new Map(), schemaVersion];
        let name = names.get(text);
        if (!name && names.size < max) names.set(text, (name = `td_${next++}`));
        if (name) {
          const result = query({ name, text, values }, callback);
          if (result instanceof Promise) result.catch((err: { code?: string }) => err.code === '0A000' && names.get(text) === name && names.delete(text));
          return result;
        }
      }
      return query(text, values, callback);
    };
    const stream = (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream;
    let corked = false;
    let beginPending = false;
    (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
      const promised = typeof callback !== 'function' && typeof values !== 'function';
      if (promised && text === 'begin' && !beginPending) {
        beginPending = true;
        return Promise.resolve(BEGUN);
      }
      if (!corked) {
        corked = true;
        stream.cork();
        process.nextTick(() => {
          corked = false;
          stream.uncork();
        });
      }
      if (!beginPending) return send(text, values, callback);
      beginPending = false;
      const begun = query('begin') as Promise<unknown>;
      if (!promised) {
        begun.catch(() => undefined);
        return send(text, values, callback);
      }
      return Promise.all([begun, send(text, values, callback)]).then(([, result]) => result);
    };
  });
}

/** What `begin` answers (as Kysely reads it) while it waits for the transaction's first statement. */
const BEGUN = { command: 'BEGIN', rowCount: null, rows: [], fields: [] };

const PREPARED = /^(select|insert|update|delete|with) /i;
const SCHEMA_CHANGE = /^\s*(create|alter|drop|comment|truncate)\b/i;

let statements = 0;

/** Every query's time, for the metrics (tierdesk_db_query_duration_seconds); and their count. */
const timeQuery = (e: LogEvent) => {
  statements++;
  observeQuery(e.queryDurationMillis / 1000, e.level === 'query');
};

/**
 * The statements the process sent while `fn` ran (transaction control not included), for the
 * bench: meaningful when nothing else runs meanwhile.
 */
export async function countStatements<T>(fn: () => Promise<T>): Promise<{ count: number; result: T }> {
  const before = statements;
  const result = await fn();
  return { count: statements - before, result };
}

/**
 * better-sqlite3 with its prepared statements kept for reuse (the most recently used `max`):
 * Kysely prepares every query anew, and preparing costs about as much as running. A reading
 * statement's rows come as arrays and are made objects here (see `rowsAsObjects`).
 */
function reusingStatements(sqlite: SQLite.Database, max = 2000) {
  const cache = new Map<string, SqliteStatement>();
  // The schema's version (SQLite's cookie, bumped by any schema change, in any process): about 0.2 µs to read.
  const schema = sqlite.prepare('pragma schema_version').pluck();
  const schemaVersion = () => schema.get() as number;
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        const prepared = sqlite.prepare(sql);
        stmt = prepared.reader ? rowsAsObjects(prepared, schemaVersion) : prepared;
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

type Row = Record<string, unknown>;

/**
 * A reading statement whose rows better-sqlite3 gives as arrays, made objects by a function built
 * from the statement's column names: an object literal of one shape, built for about nothing, where
 * better-sqlite3's own row objects cost as much to build as the query to run (a list's page of 50
 * requests, 30 columns: half of its database time). The objects are the same: the columns in their
 * order, a repeated name taking the last column's value, as better-sqlite3 does.
 *
 * The names are read again after any schema change (SQLite prepares the statement again then, and
 * `select *` may have other columns). The version is read after the rows: a change before them
 * shows, and one after them only costs reading the names again, which are still the rows' own.
 */
function rowsAsObjects(stmt: SQLite.Statement, schemaVersion: () => number): SqliteStatement {
  stmt.raw(true);
  let make: ((values: unknown[]) => Row) | undefined;
  let madeFor = -1;
  const shape = () => {
    const version = schemaVersion();
    if (!make || version !== madeFor) [make, madeFor] = [rowMaker(stmt.columns().map((c) => c.name)), version];
    return make;
  };
  return {
    reader: true,
    all(parameters) {
      const rows = stmt.all(parameters) as unknown[];
      if (!rows.length) return rows;
      const toObject = shape();
      for (let i = 0; i < rows.length; i++) rows[i] = toObject(rows[i] as unknown[]);
      return rows;
    },
    run: (parameters) => stmt.run(parameters),
    *iterate(parameters) {
      let toObject: ((values: unknown[]) => Row) | undefined;
      for (const values of stmt.iterate(parameters) as IterableIterator<unknown[]>) yield (toObject ??= shape())(values);
    },
  };
}

/**
 * `(v) => ({ "id": v[0], "name": v[1], … })` for these column names, each a JSON string literal. A
 * repeated name keeps its first place and the last value; a column named `__proto__` acts as
 * better-sqlite3's own assignment does (only an object or null would set the prototype).
 */
function rowMaker(names: string[]): (values: unknown[]) => Row {
  const last = new Map(names.map((n, i) => [n, i]));
  const fields = [...last].map(([n, i]) => `${JSON.stringify(n)}: v[${i}]`);
  return new Function('v', `return { ${fields.join(', ')} };`) as (values: unknown[]) => Row;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * Runs `fn` in the caller's transaction if there is one, else in a new one: use cases compose. On
 * SQLite the new one is shared with the other callers of the moment (see GroupCommit).
 */
export function inTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  const whole = async (trx: Kysely<DB>) => {
    const value = await fn(trx);
    await runBeforeCommit(trx);
    return value;
  };
  const group = groupCommits.get(db);
  return group ? group.run(whole) : db.transaction().execute(whole);
}

/** Work a transaction's own code asked to run at its end, by transaction object. */
const finishers = new WeakMap<object, (() => Promise<void>)[]>();

/**
 * Runs `fn` at the end of the transaction, after the use case's own work and before the commit,
 * in it (once per registration; work it registers in turn runs too). For reactions that must see
 * a change whole rather than event by event (automation rules). Outside a transaction, at once.
 */
export async function beforeCommit(db: AnyDb, fn: () => Promise<void>): Promise<void> {
  if (!db.isTransaction) return fn();
  let list = finishers.get(db);
  if (!list) finishers.set(db, (list = []));
  list.push(fn);
}

/** Runs what was registered with `beforeCommit` on `trx`, in order; for code that opens a transaction itself. */
export async function runBeforeCommit(trx: object): Promise<void> {
  const list = finishers.get(trx);
  if (!list) return;
  for (let fn = list.shift(); fn; fn = list.shift()) await fn();
  finishers.delete(trx);
}

/**
 * Runs `fn` for each item, where `fn` opens a transaction of its own (`inTransaction`), and returns
 * how each went, in order. On SQLite they all start at once, so that group commit takes them into
 * shared transactions, each still all or nothing in its savepoint, and one commit instead of one
 * each; on PostgreSQL one after another, so that one call does not hold the whole pool.
 */
export async function settleEach<T, R>(db: AnyDb, items: T[], fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  if (groupCommits.has(db)) return Promise.allSettled(items.map(fn));
  const out: PromiseSettledResult<R>[] = [];
  for (const item of items) out.push(await fn(item).then((value) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason })));
  return out;
}

interface Job {
  fn: (trx: AnyDb) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (err: unknown) => void;
}

/** SQLite databases whose transactions are group-committed. */
const groupCommits = new WeakMap<AnyDb, GroupCommit>();

/**
 * Group commit for SQLite, whose one writer runs one transaction at a time anyway: the callers that
 * are waiting when a transaction starts all run in it, one after another, each inside a savepoint
 * of its own (a caller that fails rolls back only its own work, and hears its error at once; a
 * caller alone has the transaction for its own, without one), and
 * share its one commit; each caller that succeeded is answered only after that commit, so nothing
 * is acknowledged that a crash could still take back. Each caller gets a transaction object of its
 * own (same connection), so per-transaction caches never outlive its savepoint.
 */
class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;

  constructor(
    private readonly db: AnyDb,
    private readonly maxCallers = 100,
  ) {}

  run<T>(fn: (trx: AnyDb) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // In its caller's asynchronous context (what it sees of a scoped value), not in the one of
      // whoever started the shared transaction; binding costs a hundredth of a write, so only
      // while some value is set.
      this.queue.push({ fn: scopesRunning() ? AsyncResource.bind(fn) : fn, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Starts the next transaction after the I/O already received, so the callers it brings can join. */
  private schedule() {
    if (this.scheduled || !this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => void this.commitNext());
  }

  private async commitNext() {
    const jobs = this.queue.splice(0, this.maxCallers);
    const done: { job: Job; value: unknown }[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        // A caller alone has the transaction to itself: should it fail, the whole is rolled back
        // (it hears its error below), and no savepoint needs to keep what its pages were.
        if (jobs.length === 1) return void done.push({ job: jobs[0]!, value: await jobs[0]!.fn(trx.withoutPlugins()) });
        for (const [i, job] of jobs.entries()) {
          await sql.raw(`savepoint caller_${i}`).execute(trx);
          let value: unknown;
          try {
            value = await job.fn(trx.withoutPlugins());
          } catch (err) {
            // Should the rollback itself fail, the transaction is lost: every caller hears of it.
            await sql.raw(`rollback to caller_${i}`).execute(trx);
            await sql.raw(`release caller_${i}`).execute(trx);
            job.reject(err);
            continue;
          }
          await sql.raw(`release caller_${i}`).execute(trx);
          done.push({ job, value });
        }
      });
      for (const { job, value } of done) job.resolve(value);
    } catch (err) {
      // The commit (or a rollback) failed: no caller's work is kept. Those already rejected stay so.
      for (const job of jobs) job.reject(err);
    } finally {
      this.scheduled = false;
      this.schedule();
    }
  }
}
