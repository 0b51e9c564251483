import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import * as tar from 'tar';
import type { DialectName } from '../db/connect.js';
import { findPgTools, run } from './pg-tools.js';
import { keyFilePath } from '../crypto/secrets.js';

/**
 * One backup file: a tar archive holding `manifest.json` (first), the database (`database.sqlite`,
 * a consistent copy made by VACUUM INTO, or `database.pgdump`, a pg_dump custom-format archive of
 * the one schema) and `attachments/` (the files under DATA_DIR/attachments, as stored).
 */
export interface BackupManifest {
  format: 'tierdesk-backup';
  formatVersion: 1;
  engine: DialectName;
  /** The schema's version: the migrations applied to the database copied. */
  migrations: string[];
  createdAt: string;
  appVersion: string;
  /** PostgreSQL: the schema dumped; the archive restores into a schema of that name. */
  pgSchema?: string;
  database: 'database.sqlite' | 'database.pgdump';
  /** The archive holds DATA_DIR/secret.key, the key the stored secrets are sealed with (absent when it came from TIERDESK_SECRET_KEY). */
  secretKey?: boolean;
}

/** Where a Tierdesk keeps its data: the database and the folder of attachments. */
export interface BackupTarget {
  databaseUrl: string;
  dataDir: string;
  /** PostgreSQL: the schema to work in; by default the connection's (its search_path). */
  pgSchema?: string;
}

/** A backup or restore that cannot (or must not) go ahead; the message says why. */
export class BackupError extends Error {}

const MIGRATION_TABLE = 'kysely_migration';
const attachmentsOf = (t: BackupTarget) => path.join(t.dataDir, 'attachments');
const sqliteFile = (url: string) => path.resolve(url.slice('sqlite:'.length));
const engineOf = (url: string): DialectName => (url.startsWith('sqlite:') ? 'sqlite' : 'postgres');

/**
 * Writes a backup of a running (or stopped) Tierdesk to `file`. The database is copied first, in
 * one consistent snapshot; the attachments after it, so every attachment the copy refers to is
 * already on disk (files are written before the rows that name them commit). The archive is
 * written beside `file` and renamed onto it when complete: `file` is never half-written.
 */
export async function backup(target: BackupTarget, file: string, opts: { appVersion: string }): Promise<BackupManifest> {
  const out = path.resolve(file);
  const staging = await fsp.mkdtemp(path.join(path.dirname(out), '.tierdesk-backup-'));
  try {
    const engine = engineOf(target.databaseUrl);
    const manifest: BackupManifest = {
      format: 'tierdesk-backup',
      formatVersion: 1,
      engine,
      migrations: [],
      createdAt: new Date().toISOString(),
      appVersion: opts.appVersion,
      database: engine === 'sqlite' ? 'database.sqlite' : 'database.pgdump',
    };
    if (engine === 'sqlite') {
      manifest.migrations = copySqlite(sqliteFile(target.databaseUrl), path.join(staging, manifest.database));
    } else {
      const pgInfo = await pgDump(target, path.join(staging, manifest.database));
      manifest.migrations = pgInfo.migrations;
      manifest.pgSchema = pgInfo.schema;
    }
    // The attachments folder is packed through a link to it, as it is at this moment.
    if (fs.existsSync(attachmentsOf(target))) await fsp.symlink(attachmentsOf(target), path.join(staging, 'attachments'), 'dir');
    else await fsp.mkdir(path.join(staging, 'attachments'));
    // The key file the stored secrets are sealed with: without it they would not open after a restore.
    if (fs.existsSync(keyFilePath(target.dataDir))) {
      await fsp.copyFile(keyFilePath(target.dataDir), path.join(staging, 'secret.key'));
      manifest.secretKey = true;
    }
    await fsp.writeFile(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const partial = path.join(staging, 'archive.tar');
    const entries = ['manifest.json', manifest.database, 'attachments', ...(manifest.secretKey ? ['secret.key'] : [])];
    await tar.c({ file: partial, cwd: staging, follow: true, portable: true }, entries);
    await fsp.rename(partial, out);
    return manifest;
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }
}

/** A consistent copy of a live SQLite database (VACUUM INTO reads one snapshot; WAL writers go on). */
function copySqlite(source: string, dest: string): string[] {
  if (!fs.existsSync(source)) throw new BackupError(`No database at ${source}`);
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(dest);
  } finally {
    db.close();
  }
  const copy = new SQLite(dest, { readonly: true });
  try {
    return sqliteMigrations(copy);
  } finally {
    copy.close();
  }
}

function sqliteMigrations(db: SQLite.Database): string[] {
  const has = db.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(MIGRATION_TABLE);
  if (!has) return [];
  return (db.prepare(`select name from ${MIGRATION_TABLE} order by name`).all() as { name: string }[]).map((r) => r.name);
}

/** A client on the target's database and schema, closed after `fn`. */
async function withPg<T>(target: BackupTarget, fn: (c: pg.Client, schema: string | null) => Promise<T>): Promise<T> {
  const schema = target.pgSchema;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new BackupError(`Invalid schema name ${schema}`);
  const client = new pg.Client({ connectionString: target.databaseUrl, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect();
  try {
    const current = schema ?? (await client.query<{ s: string | null }>('select current_schema() as s')).rows[0]?.s ?? null;
    return await fn(client, current);
  } finally {
    await client.end();
  }
}

async function pgMajor(c: pg.Client): Promise<number> {
  const v = (await c.query<{ v: string }>('show server_version_num')).rows[0]!.v;
  return Math.floor(Number(v) / 10000);
}

async function pgTableCount(c: pg.Client, schema: string): Promise<number> {
  return Number((await c.query<{ n: string }>('select count(*) as n from information_schema.tables where table_schema = $1', [schema])).rows[0]!.n);
}

/** pg_dump of the target's schema (one consistent snapshot) in custom format. */
async function pgDump(target: BackupTarget, dest: string): Promise<{ schema: string; migrations: string[] }> {
  return withPg(target, async (c, schema) => {
    if (!schema) throw new BackupError('The database has no schema to back up (the search_path names none that exists)');
    if ((await pgTableCount(c, schema)) === 0) throw new BackupError(`The schema ${schema} holds no tables: nothing to back up`);
    const tools = await findPgTools(await pgMajor(c));
    const migrations = (await c.query<{ name: string }>(`select name from "${schema}".${MIGRATION_TABLE} order by name`)).rows.map((r) => r.name);
    await run(tools.pgDump, ['--format=custom', `--schema=${schema}`, '--no-owner', '--no-privileges', `--file=${dest}`, `--dbname=${target.databaseUrl}`]);
    return { schema, migrations };
  });
}

/**
 * Restores a backup into an empty database and data folder; `force` replaces what is there. Refuses
 * an archive of the other engine, an archive made by a newer Tierdesk (migrations `knownMigrations`
 * lacks), and on PostgreSQL an archive of another schema name. The app migrates the restored
 * database when it starts, if the archive is older.
 */
export async function restore(target: BackupTarget, file: string, opts: { knownMigrations: string[]; force?: boolean }): Promise<BackupManifest> {
  const archive = path.resolve(file);
  if (!fs.existsSync(archive)) throw new BackupError(`No backup file at ${archive}`);
  await fsp.mkdir(target.dataDir, { recursive: true });
  const staging = await fsp.mkdtemp(path.join(target.dataDir, '.tierdesk-restore-'));
  try {
    const manifest = await readManifest(archive, staging);
    const engine = engineOf(target.databaseUrl);
    if (manifest.engine !== engine)
      throw new BackupError(`The backup is of a ${manifest.engine} database and DATABASE_URL names a ${engine} one: restore it into a ${manifest.engine} database`);
    const unknown = manifest.migrations.filter((m) => !opts.knownMigrations.includes(m));
    if (unknown.length)
      throw new BackupError(`The backup was made by a newer Tierdesk: its database has migrations this version does not know (${unknown.join(', ')}). Restore it with that version or a later one.`);

    await tar.x({ file: archive, cwd: staging, strict: true, filter: (p) => p === manifest.database || p === 'secret.key' || p === 'attachments' || p.startsWith('attachments/') });
    const db = path.join(staging, manifest.database);
    if (!fs.existsSync(db)) throw new BackupError(`The backup holds no ${manifest.database}: it is incomplete`);

    const attachments = attachmentsOf(target);
    const hasFiles = fs.existsSync(attachments) && (await fsp.readdir(attachments)).length > 0;
    if (engine === 'sqlite') await restoreSqlite(target, db, { force: !!opts.force, hasFiles });
    else await restorePg(target, db, manifest, { force: !!opts.force, hasFiles });

    await fsp.rm(attachments, { recursive: true, force: true });
    const restored = path.join(staging, 'attachments');
    if (fs.existsSync(restored)) await fsp.rename(restored, attachments);
    // The key the restored secrets are sealed with; a different key file found here is kept aside.
    const key = path.join(staging, 'secret.key');
    if (manifest.secretKey && fs.existsSync(key)) {
      const current = keyFilePath(target.dataDir);
      if (fs.existsSync(current) && !(await fsp.readFile(current)).equals(await fsp.readFile(key)))
        await fsp.rename(current, `${current}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      await fsp.rename(key, current);
      await fsp.chmod(current, 0o600);
    }
    return manifest;
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }
}

async function readManifest(archive: string, staging: string): Promise<BackupManifest> {
  try {
    await tar.x({ file: archive, cwd: staging, strict: true, filter: (p) => p === 'manifest.json' });
  } catch (err) {
    throw new BackupError(`${archive} is not a Tierdesk backup (${err instanceof Error ? err.message : String(err)})`);
  }
  const at = path.join(staging, 'manifest.json');
  const m = fs.existsSync(at) ? (JSON.parse(await fsp.readFile(at, 'utf8')) as Partial<BackupManifest>) : null;
  if (!m || m.format !== 'tierdesk-backup' || !Array.isArray(m.migrations) || (m.engine !== 'sqlite' && m.engine !== 'postgres'))
    throw new BackupError(`${archive} is not a Tierdesk backup (no manifest.json naming one)`);
  if (m.formatVersion !== 1) throw new BackupError(`${archive} is a backup of format ${String(m.formatVersion)}, which this version cannot read`);
  return m as BackupManifest;
}

function refuseNonEmpty(what: string[]): never {
  throw new BackupError(`Refusing to restore over existing data (${what.join('; ')}). Restore into an empty DATA_DIR and database, or pass --force to replace them.`);
}

async function restoreSqlite(target: BackupTarget, copy: string, o: { force: boolean; hasFiles: boolean }) {
  const check = new SQLite(copy, { readonly: true });
  try {
    const ok = check.pragma('quick_check', { simple: true });
    if (ok !== 'ok') throw new BackupError(`The database in the backup is damaged: ${String(ok)}`);
  } finally {
    check.close();
  }
  const dest = sqliteFile(target.databaseUrl);
  if (fs.existsSync(dest)) {
    const existing = new SQLite(dest, { fileMustExist: true });
    let tables: number;
    try {
      tables = (existing.prepare(`select count(*) as n from sqlite_master where type = 'table' and name not like 'sqlite_%'`).get() as { n: number }).n;
    } finally {
      existing.close();
    }
    const found = [...(tables ? [`the database ${dest} has ${tables} tables`] : []), ...(o.hasFiles ? [`${attachmentsOf(target)} holds files`] : [])];
    if (found.length && !o.force) refuseNonEmpty(found);
  } else if (o.hasFiles && !o.force) {
    refuseNonEmpty([`${attachmentsOf(target)} holds files`]);
  }
  for (const f of [dest, `${dest}-wal`, `${dest}-shm`]) await fsp.rm(f, { force: true });
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  try {
    await fsp.rename(copy, dest);
  } catch {
    // Another file system: copy it (into a temporary name first, so the database is whole or absent).
    await fsp.copyFile(copy, `${dest}.restoring`);
    await fsp.rename(`${dest}.restoring`, dest);
  }
}

async function restorePg(target: BackupTarget, dump: string, m: BackupManifest, o: { force: boolean; hasFiles: boolean }) {
  await withPg(target, async (c, current) => {
    const schema = target.pgSchema ?? current ?? m.pgSchema;
    if (!schema) throw new BackupError('DATABASE_URL names no schema to restore into');
    if (m.pgSchema && m.pgSchema !== schema)
      throw new BackupError(`The backup holds the schema ${m.pgSchema}; the database is set to the schema ${schema}. Restore it where the schema is ${m.pgSchema}.`);
    const tables = await pgTableCount(c, schema);
    const found = [...(tables ? [`the schema ${schema} has ${tables} tables`] : []), ...(o.hasFiles ? [`${attachmentsOf(target)} holds files`] : [])];
    if (found.length && !o.force) refuseNonEmpty(found);
    const tools = await findPgTools(await pgMajor(c));
    if (tables) await c.query(`drop schema "${schema}" cascade`);
    await c.query(`create schema if not exists "${schema}"`);
    // The archive creates its schema; here it exists already (made empty above), so that entry is left out.
    const { stdout } = await run(tools.pgRestore, ['--list', dump]);
    const list = stdout
      .split('\n')
      .filter((l) => !/^\d+; \d+ \d+ SCHEMA - /.test(l) && !/^\d+; \d+ \d+ COMMENT - SCHEMA /.test(l))
      .join('\n');
    const listFile = `${dump}.list`;
    await fsp.writeFile(listFile, list);
    await run(tools.pgRestore, ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--use-list=${listFile}`, `--dbname=${target.databaseUrl}`, dump]);
  });
}
