import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Where Debian's postgresql-client puts each major version's tools. */
const DEBIAN_ROOT = '/usr/lib/postgresql';

/** Thrown when pg_dump/pg_restore are missing or too old for the server; the message says what to install. */
export class PgToolsMissing extends Error {}

/**
 * The folder holding pg_dump and pg_restore for a server of this major version: Debian's folder of
 * that version, else of a newer one (they read older servers), else the ones on PATH if new enough.
 * pg_dump refuses a server newer than itself, so an older client is never taken.
 */
export async function findPgTools(serverMajor: number): Promise<{ pgDump: string; pgRestore: string; major: number }> {
  const candidates: { dir: string; major: number }[] = [];
  try {
    for (const v of fs.readdirSync(DEBIAN_ROOT)) if (/^\d+$/.test(v)) candidates.push({ dir: path.join(DEBIAN_ROOT, v, 'bin'), major: Number(v) });
  } catch {
    // No Debian layout here: PATH only.
  }
  candidates.sort((a, b) => a.major - b.major);
  for (const c of candidates) {
    if (c.major < serverMajor) continue;
    const pgDump = path.join(c.dir, 'pg_dump');
    const pgRestore = path.join(c.dir, 'pg_restore');
    if (fs.existsSync(pgDump) && fs.existsSync(pgRestore)) return { pgDump, pgRestore, major: c.major };
  }
  const onPath = await versionOf('pg_dump');
  if (onPath !== null && onPath >= serverMajor && (await versionOf('pg_restore')) !== null) return { pgDump: 'pg_dump', pgRestore: 'pg_restore', major: onPath };
  throw new PgToolsMissing(
    `pg_dump and pg_restore of PostgreSQL ${serverMajor} or newer are needed (the server is ${serverMajor}` +
      `${onPath !== null ? `, the pg_dump on PATH is ${onPath}` : ', none is on PATH'}): install Debian's postgresql-client-${serverMajor} (or postgresql-client).`,
  );
}

/** The major version a PostgreSQL tool reports, or null when it cannot be run. */
async function versionOf(tool: string): Promise<number | null> {
  try {
    const { stdout } = await run(tool, ['--version']);
    const m = /(\d+)(\.\d+)?/.exec(stdout);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Runs a program to its end; rejects with its standard error when it fails. */
export function run(cmd: string, args: string[], opts: { stdoutFile?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const out = opts.stdoutFile ? fs.openSync(opts.stdoutFile, 'w') : 'pipe';
    const child = spawn(cmd, args, { stdio: ['ignore', out, 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += String(d)));
    child.stderr?.on('data', (d) => (stderr += String(d)));
    let closed = false;
    const done = () => {
      if (!closed && typeof out === 'number') fs.closeSync(out);
      closed = true;
    };
    child.on('error', (err) => {
      done();
      reject(err);
    });
    child.on('close', (code) => {
      done();
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${path.basename(cmd)} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}
