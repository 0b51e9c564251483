import { createQueryId, type Compilable, type Kysely, type QueryResult, type RootOperationNode } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** A parameter's value: what the drivers bind (no list: a list's length would change the text). */
export type ParamValue = string | number | bigint | boolean | null | Buffer;

/**
 * Stands for a named parameter while the query is built (of the row `row`, in a statement over a
 * list of rows or values). It is no string or number: used anywhere but in a value's place (an
 * identifier, raw SQL, a condition in the builder) it throws or goes missing from the compiled
 * parameters, and `prepare` refuses the query.
 */
class Placeholder {
  constructor(
    readonly name: string,
    readonly row?: number,
  ) {}
  toString(): never {
    throw new Error(`Parameter ${this.name} of a prepared query used as text: parameters go in value positions only`);
  }
  [Symbol.toPrimitive](): never {
    return this.toString();
  }
}

/** A parameter's place: its name, and its row for a statement over rows. */
type Slot = { name: string; row?: number };

interface Compiled {
  sql: string;
  query: RootOperationNode;
  /** Each parameter of the text in order: a placeholder's slot, or a constant the builder gave. */
  slots: (Slot | { value: unknown })[];
}

/** Placeholders for the names read from it (`p.id`), of row `row` if given. */
const placeholders = <P extends object>(named: (name: string, row?: number) => Placeholder, row?: number) =>
  new Proxy({} as P, { get: (_, name) => (typeof name === 'string' ? named(name, row) : undefined) });

/**
 * Builds and compiles a query once per database kind (by the database's adapter, which a database's
 * transactions share and which differs by engine), checking that each placeholder the build asked
 * for is a bound parameter of the text.
 */
function compiling<D extends AnyDb>(build: (db: D, named: (name: string, row?: number) => Placeholder) => Compilable<unknown>) {
  const byAdapter = new WeakMap<object, Compiled>();
  return (db: D): Compiled => {
    const executor = db.getExecutor();
    let c = byAdapter.get(executor.adapter);
    if (c) return c;
    if (executor.plugins.length) throw new Error('A prepared query runs without plugins; this database has some');
    const used = new Map<string, string>();
    const q = build(db, (name, row) => {
      used.set(`${row}:${name}`, name);
      return new Placeholder(name, row);
    }).compile();
    const slots = q.parameters.map((v) => (v instanceof Placeholder ? { name: v.name, row: v.row } : { value: v }));
    const bound = new Set(slots.flatMap((s) => ('name' in s ? [`${s.row}:${s.name}`] : [])));
    for (const [key, name] of used) if (!bound.has(key)) throw new Error(`Parameter ${name} of a prepared query is not in a value position`);
    c = { sql: q.sql, query: q.query, slots };
    byAdapter.set(executor.adapter, c);
    return c;
  };
}

/** Runs a compiled query with each slot's value as `valueOf` gives it. */
function runCompiled<R>(db: AnyDb, c: Compiled, valueOf: (slot: Slot) => ParamValue | ParamValue[] | undefined): Promise<QueryResult<R>> {
  const parameters = c.slots.map((s) => {
    if ('value' in s) return s.value;
    const v = valueOf(s);
    if (v === undefined || Array.isArray(v)) throw new Error(`Parameter ${s.name} of a prepared query: ${v === undefined ? 'missing' : 'a list'}`);
    return v;
  });
  return db.executeQuery<R>({ sql: c.sql, query: c.query, parameters, queryId: createQueryId() });
}

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
  const compiledFor = compiling((db: D, named) => build(db, placeholders<P>(named)));
  const execute = (db: D, values: P) => runCompiled<R>(db, compiledFor(db), (s) => values[s.name]);
  return {
    /** The rows (of a select, or of an insert, update or delete with `returning`). */
    all: async (db: D, values: P): Promise<R[]> => (await execute(db, values)).rows,
    first: async (db: D, values: P): Promise<R | undefined> => (await execute(db, values)).rows[0],
    /** Runs a statement; how many rows it changed. */
    run: async (db: D, values: P): Promise<number> => Number((await execute(db, values)).numAffectedRows ?? 0),
    /** The compiled text (for tests). */
    sqlFor: (db: D) => compiledFor(db).sql,
  };
}

/** The named fields of `p` as an object (a placeholder object cannot be spread: name each column). */
export const pick = <T extends object, K extends keyof T>(p: T, keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, p[k]])) as Pick<T, K>;

/**
 * A statement over a list of rows (a multi-row insert), prepared once per number of rows up to
 * `maxRows`, the text being a function of that number only; longer lists are built as usual. Each
 * row's fields are parameters as in `prepare`, each read from its row when the statement runs.
 */
export function prepareRows<D extends AnyDb, P extends Record<string, ParamValue>, R>(build: (db: D, rows: P[]) => Compilable<R>, maxRows = 8) {
  const byCount = new Map<number, (db: D) => Compiled>();
  const compiledFor = (db: D, n: number) => {
    let c = byCount.get(n);
    if (!c) byCount.set(n, (c = compiling((db: D, named) => build(db, Array.from({ length: n }, (_, i) => placeholders<P>(named, i))))));
    return c(db);
  };
  const execute = (db: D, rows: P[]) => runCompiled<R>(db, compiledFor(db, rows.length), (s) => rows[s.row!]![s.name]);
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
    sqlFor: (db: D, n: number) => compiledFor(db, n).sql,
  };
}

/**
 * A query with one list of values (`in (…)`), prepared once per length of the list up to
 * `maxLength` (the text being a function of that length only); longer lists are built as usual.
 * The list must not be empty (`in ()` is no SQL): the caller answers that case itself.
 */
export function prepareList<D extends AnyDb, P extends Record<string, ParamValue>, R>(build: (db: D, p: P, list: ParamValue[]) => Compilable<R>, maxLength = 16) {
  const byLength = new Map<number, (db: D) => Compiled>();
  const compiledFor = (db: D, n: number) => {
    let c = byLength.get(n);
    // The list's items are placeholders of rows 0…n-1; the other parameters have no row.
    if (!c) byLength.set(n, (c = compiling((db: D, named) => build(db, placeholders<P>(named), Array.from({ length: n }, (_, i) => named('item', i) as unknown as ParamValue)))));
    return c(db);
  };
  return {
    all: async (db: D, p: P, list: ParamValue[]): Promise<R[]> => {
      if (!list.length) throw new Error('A prepared list query needs at least one value');
      if (list.length > maxLength) return (await db.executeQuery(build(db, p, list).compile())).rows;
      return (await runCompiled<R>(db, compiledFor(db, list.length), (s) => (s.row === undefined ? p[s.name] : list[s.row]))).rows;
    },
    sqlFor: (db: D, n: number) => compiledFor(db, n).sql,
  };
}
