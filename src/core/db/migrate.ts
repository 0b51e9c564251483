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

/** Applies every pending migration; throws with the failing migration's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>, dialect: DialectName, migrations: ModuleMigration[]) {
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
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true, migrationTableSchema }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const msg = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${msg}`, { cause: error });
  }
  return results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
}
