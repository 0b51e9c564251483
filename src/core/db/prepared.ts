import { createQueryId, type Compilable, type Kysely, type QueryResult, type RootOperationNode } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** A parameter's value: what the drivers bind (no list: a list's length would change the text). */
export type ParamValue = string | number | bigint | boolean | null | Buffer;

/**
 * Stands for a named parameter while the query is built. It is no string or number: used anywhere
 * but in a value's place (an identifier, raw SQL, a condition in the builder) it throws or goes
 * missing from the compiled parameters, and `prepare` refuses the query.
 */
class Placeholder {
  constructor(readonly name: string) {}
  toString(): never {
    throw new Error(`Parameter ${this.name} of a prepared query used as text: parameters go in value positions only`);
  }
  [Symbol.toPrimitive](): never {
    return this.toString();
  }
}

interface Compiled {
  sql: string;
  query: RootOperationNode;
  /** Each parameter of the text in order: a placeholder's name, or a constant the builder gave. */
  slots: (Slot | { value: unknown })[];
}

/** A placeholder in the text; one named `<row>:<key>` (see prepareRows, prepareList) also by its parts. */
interface Slot {
  name: string;
  row?: number;
  key?: string;
}

const slotOf = (name: string): Slot => {
  const m = /^(\d+):(.*)$/s.exec(name);
  return m ? { name, row: Number(m[1]), key: m[2]! } : { name };
};

/**
 * A query built and compiled once per database kind, then run again and again with new values:
 * Kysely otherwise builds (immutable nodes, frozen at each step) and compiles every query on every
 * call, a sixth of a write's CPU. `build` receives the database and the parameters by name, each
 * a placeholder to use in value positions only (`where('id', '=', p.id)`, `values({ a: p.a })`);
 * the compiled text is checked to carry each placeholder as a bound parameter. The query runs on the
 * handle given to `execute` (a transaction's runs in it). Not for lists of variable length (`in`
 * with a list parameter), whose text depends on their length; nor for databases with plugins.
 */
export function prepare<D extends AnyDb, P extends Record<string, ParamValue>, R>(build: (db: D, p: P) => Compilable<R>) {
  const q = prepareSlots(build);
  return {
    /** The rows (of a select, or of an insert, update or delete with `returning`). */
    all: async (db: D, values: P): Promise<R[]> => (await q.execute(db, (s) => values[s.name])).rows,
    first: async (db: D, values: P): Promise<R | undefined> => (await q.execute(db, (s) => values[s.name])).rows[0],
    /** Runs a statement; how many rows it changed. */
    run: async (db: D, values: P): Promise<number> => Number((await q.execute(db, (s) => values[s.name])).numAffectedRows ?? 0),
    /** The compiled text (for tests). */
    sqlFor: q.sqlFor,
  };
}

/**
 * `prepare`'s work, each parameter's value given by `valueOf` from its slot: the multi-row and list
 * forms find theirs by position without building an object of `<row>:<key>` names at each call
 * (which cost a write with a few multi-row inserts as much as a statement).
 */
function prepareSlots<D extends AnyDb, P extends Record<string, ParamValue>, R>(build: (db: D, p: P) => Compilable<R>) {
  // By the database's adapter, which a database's transactions share and which differs by engine.
  const byAdapter = new WeakMap<object, Compiled>();

  function compiledFor(db: D): Compiled {
    const executor = db.getExecutor();
    let c = byAdapter.get(executor.adapter);
    if (c) return c;
    if (executor.plugins.length) throw new Error('A prepared query runs without plugins; this database has some');
    const used = new Set<string>();
    const params = new Proxy({} as P, {
      get: (_, name) => {
        if (typeof name !== 'string') return undefined;
        used.add(name);
        return new Placeholder(name);
      },
    });
    const q = build(db, params).compile();
    const slots = q.parameters.map((v) => (v instanceof Placeholder ? slotOf(v.name) : { value: v }));
    const bound = new Set(slots.flatMap((s) => ('name' in s ? [s.name] : [])));
    for (const name of used) if (!bound.has(name)) throw new Error(`Parameter ${name} of a prepared query is not in a value position`);
    c = { sql: q.sql, query: q.query, slots };
    byAdapter.set(executor.adapter, c);
    return c;
  }

  function execute(db: D, valueOf: (slot: Slot) => unknown): Promise<QueryResult<R>> {
    const c = compiledFor(db);
    const parameters = c.slots.map((s) => {
      if ('value' in s) return s.value;
      const v = valueOf(s);
      if (v === undefined || Array.isArray(v)) throw new Error(`Parameter ${s.name} of a prepared query: ${v === undefined ? 'missing' : 'a list'}`);
      return v;
    });
    return db.executeQuery<R>({ sql: c.sql, query: c.query, parameters, queryId: createQueryId() });
  }

  return { execute, sqlFor: (db: D) => compiledFor(db).sql };
}

/** The named fields of `p` as an object (a placeholder object cannot be spread: name each column). */
export const pick = <T extends object, K extends keyof T>(p: T, keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, p[k]])) as Pick<T, K>;

/**
 * A statement over a list of rows (a multi-row insert), prepared once per number of rows up to
 * `maxRows`, the text being a function of that number only; longer lists are built as usual. Each
 * row's fields are parameters as in `prepare`.
 */
export function prepareRows<D extends AnyDb, P extends Record<string, ParamValue>, R>(build: (db: D, rows: P[]) => Compilable<R>, maxRows = 8) {
  const byCount = new Map<number, ReturnType<typeof prepareSlots<D, Record<string, ParamValue>, R>>>();
  const forCount = (n: number) => {
    let q = byCount.get(n);
    if (!q) {
      q = prepareSlots((db: D, p: Record<string, ParamValue>) =>
        build(db, Array.from({ length: n }, (_, i) => new Proxy({} as P, { get: (_t, name) => (typeof name === 'string' ? p[`${i}:${name}`] : undefined) }))),
      );
      byCount.set(n, q);
    }
    return q;
  };
  const execute = (db: D, rows: P[]) => forCount(rows.length).execute(db, (s) => (s.key === undefined ? undefined : rows[s.row!]![s.key]));
  return {
    run: async (db: D, rows: P[]): Promise<number> => {
      if (!rows.length) return 0;
      if (rows.length > maxRows) return Number((await db.executeQuery(build(db, rows).compile())).numAffectedRows ?? 0);
      return Number((await execute(db, rows)).numAffectedRows ?? 0);
    },
    all: async (db: D, rows: P[]): Promise<R[]> => {
      if (!rows.length) return [];
      if (rows.length > maxRows) return (await db.executeQuery(build(db, rows).compile())).rows;
      return (await execute(db, rows)).rows;
    },
    sqlFor: (db: D, n: number) => forCount(n).sqlFor(db),
  };
}

/**
 * A query with one list of values (`in (…)`), prepared once per length of the list up to
 * `maxLength` (the text being a function of that length only); longer lists are built as usual.
 * The list must not be empty (`in ()` is no SQL): the caller answers that case itself.
 */
export function prepareList<D extends AnyDb, P extends Record<string, ParamValue>, R>(build: (db: D, p: P, list: ParamValue[]) => Compilable<R>, maxLength = 16) {
  const byLength = new Map<number, ReturnType<typeof prepareSlots<D, Record<string, ParamValue>, R>>>();
  const forLength = (n: number) => {
    let q = byLength.get(n);
    if (!q) {
      // The list's items are slots `<i>:` (no name of `p` has that form).
      q = prepareSlots((db: D, p: Record<string, ParamValue>) => build(db, p as P, Array.from({ length: n }, (_, i) => p[`${i}:`]!)));
      byLength.set(n, q);
    }
    return q;
  };
  return {
    all: async (db: D, p: P, list: ParamValue[]): Promise<R[]> => {
      if (!list.length) throw new Error('A prepared list query needs at least one value');
      if (list.length > maxLength) return (await db.executeQuery(build(db, p, list).compile())).rows;
      return (await forLength(list.length).execute(db, (s) => (s.row === undefined ? p[s.name] : list[s.row]))).rows;
    },
    sqlFor: (db: D, n: number) => forLength(n).sqlFor(db),
  };
}
