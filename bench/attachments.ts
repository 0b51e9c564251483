/**
 * Attachment stores: a file of 5 MiB written and read back whole through the database store
 * (chunks of 256 KiB), against the disk store in the same run as the baseline; MiB per second and
 * the ratio to the disk. SQLite always, PostgreSQL too when BENCH_DATABASE_URL is set (a fresh schema
 * there, dropped afterwards). `npx tsx bench/attachments.ts` prints them, `benchAttachments()` returns them.
 *
 * Env: BENCH_ATTACHMENT_FILES (files per measurement, default 40).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { openContext } from '../src/app.js';
import { loadConfig } from '../src/core/config/config.js';
import type { MovableStore } from '../src/core/storage/files.js';

const FILES = Number(process.env.BENCH_ATTACHMENT_FILES ?? 40);
const SIZE = 5 * 1024 * 1024;
const MIB = 1024 * 1024;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

async function pgQuery(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** Writes FILES files, then reads them all back; MiB per second each way. */
async function measure(store: MovableStore, data: Buffer) {
  const keys: string[] = [];
  let t0 = performance.now();
  for (let i = 0; i < FILES; i++) keys.push(await store.put(data));
  const writeMs = performance.now() - t0;
  t0 = performance.now();
  let bytes = 0;
  for (const key of keys) for await (const chunk of store.open(key)) bytes += (chunk as Buffer).length;
  const readMs = performance.now() - t0;
  if (bytes !== FILES * data.length) throw new Error(`read ${bytes} bytes, wrote ${FILES * data.length}`);
  for (const key of keys) await store.remove(key);
  const mibps = (ms: number) => Number(((FILES * data.length) / MIB / (ms / 1000)).toFixed(1));
  return { write: mibps(writeMs), read: mibps(readMs) };
}

async function benchOne(database: 'sqlite' | 'postgres'): Promise<object[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-bench-attachments-'));
  const pgUrl = database === 'postgres' ? process.env.BENCH_DATABASE_URL! : undefined;
  const schema = pgUrl ? `bench_${crypto.randomBytes(4).toString('hex')}` : undefined;
  if (pgUrl) await pgQuery(pgUrl, `create schema ${schema}`);
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TIERDESK_DEMO: '0', ...(pgUrl && { DATABASE_URL: pgUrl }) });
  const ctx = await openContext(config, { pgSchema: schema });
  try {
    const data = crypto.randomBytes(SIZE);
    await measure(ctx.fileStores.disk, data); // warm the file system and the JIT
    const disk = await measure(ctx.fileStores.disk, data);
    await measure(ctx.fileStores.database, data);
    const db = await measure(ctx.fileStores.database, data);
    log(`attachments (${database}): disk ${JSON.stringify(disk)} MiB/s, database ${JSON.stringify(db)} MiB/s`);
    return (['write', 'read'] as const).map((way) => ({
      name: `attachments: ${way} 5 MiB files, database store (${database})`,
      mibPerSecond: db[way],
      baselineMibPerSecond: disk[way],
      baseline: 'the disk store, same files, same run',
      ratio: Number((db[way] / disk[way]).toFixed(4)),
    }));
  } finally {
    await ctx.close();
    if (schema) await pgQuery(pgUrl!, `drop schema if exists ${schema} cascade`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs the attachment store benchmark on SQLite (and PostgreSQL when BENCH_DATABASE_URL is set). */
export async function benchAttachments(): Promise<object[]> {
  const out: object[] = [];
  for (const database of ['sqlite', ...(process.env.BENCH_DATABASE_URL ? ['postgres' as const] : [])] as const) out.push(...(await benchOne(database)));
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const line of await benchAttachments()) console.log(JSON.stringify(line));
}
