import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/**
 * Checkpoints of a SQLite file (copying its write-ahead log into the database) in a thread of
 * their own. SQLite runs them in the connection whose commit makes the log long enough, and a
 * checkpoint writes and syncs pages to disk: on a busy disk that holds the event loop for tens of
 * milliseconds, every few dozen requests. Here the connection only checkpoints as a backstop, when
 * the log reached BACKSTOP_PAGES; once the log has grown past START_BYTES, a worker thread with a
 * connection of its own checkpoints every EVERY_MS without blocking the writer (PASSIVE), so the
 * log stays short and the writer never waits for the disk. A database written little (most tests)
 * never starts the thread.
 */
const BACKSTOP_PAGES = 10_000;
const START_BYTES = 4 * 1024 * 1024;
const WATCH_MS = 1000;
const EVERY_MS = 200;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

// CommonJS for the worker, so that it runs the same from sources and from dist/.
const WORKER = `
const { workerData } = require('node:worker_threads');
const db = new (require(workerData.driver))(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next one */ }
}, workerData.everyMs);
`;

/** Starts watching `file`'s log; the result stops the watch and the thread. */
export function checkpointInBackground(sqlite: SQLite.Database, file: string): () => Promise<void> {
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  let worker: Worker | null = null;
  const watch = setInterval(() => {
    let size = 0;
    try {
      size = fs.statSync(`${file}-wal`).size;
    } catch {
      return;
    }
    if (size < START_BYTES) return;
    clearInterval(watch);
    worker = new Worker(WORKER, { eval: true, workerData: { driver: driverPath, file, everyMs: EVERY_MS } });
    // Should the thread fail, the connection's backstop checkpoints still keep the log bounded.
    worker.on('error', () => undefined);
    worker.unref();
  }, WATCH_MS);
  watch.unref();
  return async () => {
    clearInterval(watch);
    await worker?.terminate();
  };
}
