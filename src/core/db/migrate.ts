import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { sqlTypes, type SqlTypes } from './dialect.js';
import type { DialectName } from './connect.js';

/** A migration as modules write it: it is told the engine's column types. */
export interface ModuleMigration {
  /** Sorted by name: start with a date and a sequence, e.g. `2026-11-26-01-identity`. */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations work on any schema state
  up(db: Kysely<any>, t: SqlTypes): Promise<void>;
}

/** The database was migrated by a newer version: it has applied migrations this code does not know. */
export class SchemaTooNew extends Error {
  constructor(readonly unknown: string[]) {
    super(
      `The database was migrated by a newer Tierdesk: it has migrations this version does not know (${unknown.join(', ')}). ` +
        'Run the newer version (or restore a backup made before the upgrade); refusing to start.',
    );
  }
}

/** The names of the migrations applied to the database, in name order (none on an empty one). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function appliedMigrations(db: Kysely<any>, dialect: DialectName): Promise<string[]> {
  const exists =
    dialect === 'postgres'
      ? (await sql<{ t: string | null }>`select to_regclass(quote_ident(current_schema()) || '.kysely_migration')::text as t`.execute(db)).rows[0]?.t
      : (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db)).rows[0];
  if (!exists) return [];
  return (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name);
}

/** What `migrateToLatest` would do: the migrations it would apply, and applied ones this code does not know. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrationPlan(db: Kysely<any>, dialect: DialectName, migrations: ModuleMigration[]) {
  const applied = await appliedMigrations(db, dialect);
  const known = new Set(migrations.map((m) => m.name));
  const done = new Set(applied);
  return {
    pending: migrations.map((m) => m.name).filter((n) => !done.has(n)).sort(),
    unknown: applied.filter((n) => !known.has(n)),
  };
}

/**
 * Applies every pending migration; throws with the failing migration's name. Refuses (SchemaTooNew)
 * a database with applied migrations this code does not know: a newer version migrated it, and
 * this one would misread its tables.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>, dialect: DialectName, migrations: ModuleMigration[]) {
  const { unknown } = await migrationPlan(db, dialect, migrations);
  if (unknown.length) throw new SchemaTooNew(unknown);
  const t = sqlTypes(dialect);
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const m of migrations) {
        if (out[m.name]) throw new Error(`Duplicate migration name ${m.name}`);
        out[m.name] = { up: (d) => m.up(d, t) };
      }
      return out;
    },
  };
  // Unless told the schema, Kysely takes its bookkeeping tables in any schema of the database for
  // its own: on PostgreSQL, name the connection's (other schemas may hold other installs or tests).
  const migrationTableSchema =
    dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  // Modules add migrations independently; each one's name orders it within its module.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true, migrationTableSchema });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely looks for its bookkeeping table in a scan of every schema's tables (by name, on
  // PostgreSQL); a schema another client drops meanwhile fails the scan. Nothing was applied then:
  // look again.
  for (let tries = 1; tries < 3 && !results && (error as { code?: string } | undefined)?.code === '3F000'; tries++)
    ({ error, results } = await migrator.migrateToLatest());
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const msg = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${msg}`, { cause: error });
  }
  return results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
}
