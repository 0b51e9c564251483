/**
 * Tierdesk as production runs it, for the bench parts that measure whole processes (scale-out,
 * soak): the CLI's compiled processes on a database of their own, their memory and CPU read from
 * /proc, and a load generator (autocannon in a worker thread) that can drive several servers at once.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'bin/tierdesk');
export const METRICS_TOKEN = 'bench-metrics-token-0123456789';
/** Linux's clock ticks per second (USER_HZ), the unit of CPU times in /proc. */
const TICKS = 100;

export interface Proc {
  role: string;
  pid: number;
  /** The API's URL (all, serve). */
  url: string;
  stop(): Promise<void>;
}

/** A PostgreSQL database of its own (BENCH_DATABASE_URL's server, or the local test server), dropped by `drop`. */
export async function benchDatabase() {
  const server = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `bench_${crypto.randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query(statement).finally(() => c.end());
  };
  await admin(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** The environment of every process of one set-up: one database, one secret key, one data folder. */
export function processEnv(databaseUrl: string | undefined, dataDir: string): Record<string, string> {
  return {
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    DATA_DIR: dataDir,
    TIERDESK_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    TIERDESK_DEMO: '0',
    LOG_LEVEL: 'warn',
    PORT: '0',
    METRICS_TOKEN,
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
  };
}

/** Runs a CLI command to its end (migrate, seed-demo); throws with its output when it fails. */
export function runCli(args: string[], env: Record<string, string>) {
  const r = spawnSync(cli, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tierdesk ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
}

/** Starts one role of the compiled CLI; resolves once it listens (the worker: once it runs). */
export function startProcess(role: 'all' | 'serve' | 'worker', env: Record<string, string>): Promise<Proc> {
  const child: ChildProcess = spawn(cli, [role], { env: { ...process.env, ...env, ...(role === 'worker' && { METRICS_PORT: '0' }) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const look = (d: Buffer) => {
      out += String(d);
      const m = role === 'worker' ? /Metrics are served at (\S+)/.exec(out) : /Tierdesk is running at (\S+)/.exec(out);
      if (m)
        resolve({
          role,
          pid: child.pid!,
          url: m[1]!,
          stop: async () => {
            child.kill('SIGTERM');
            await exit;
          },
        });
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    void exit.then(() => reject(new Error(`${role} exited before it ran:\n${out}`)));
  });
}

/** A process's resident memory (MiB), from /proc. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m![1]) / 1024);
}

/** A process's CPU time so far (s, user + system), from /proc; 0 for one that has gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** The machine's busy and total CPU time so far (s, all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const [, ...t] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const total = t.reduce((a, b) => a + b, 0);
  return { busy: (total - t[3]! - t[4]!) / TICKS, total: total / TICKS };
}

/** The CPU time (s) the PostgreSQL backends serving database `name` have used, per backend pid. */
export async function pgBackendCpu(admin: pg.Client, name: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
  return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
}

/** The CPU used between two readings of pgBackendCpu (backends opened meanwhile count from zero). */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let s = 0;
  for (const [pid, cpu] of after) s += cpu - (before.get(pid) ?? 0);
  return s;
}

/** Signs in and makes an API token for `email` (a demo login). */
export async function apiToken(base: string, email: string): Promise<string> {
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'tierdesk-demo' }) });
  if (!login.ok) throw new Error(`login ${email}: ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const res = await fetch(`${base}/api/v1/me/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'bench' }) });
  if (!res.ok) throw new Error(`token ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export interface Load {
  rps: number;
  p50: number | null;
  p99: number | null;
  errors: number;
  non2xx: number;
}

/**
 * autocannon against several URLs at once (one instance each, `connections` apiece, in one worker
 * thread off the bench's event loop), timing every response itself; the figures are over all of them.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require(workerData.autocannon);
parentPort.on('message', async ({ urls, connections, duration, headers }) => {
  const ms = [];
  const runs = urls.map((url) => {
    const run = autocannon({ url, connections, duration, headers });
    run.on('response', (_client, _status, _bytes, time) => ms.push(time));
    return run;
  });
  const rs = await Promise.all(runs);
  ms.sort((a, b) => a - b);
  const at = (p) => (ms.length ? Number(ms[Math.ceil((p / 100) * ms.length) - 1].toFixed(2)) : null);
  const sum = (f) => rs.reduce((s, r) => s + f(r), 0);
  parentPort.postMessage({
    rps: Math.round((sum((r) => r.totalCompletedRequests) / rs[0].duration) * 10) / 10,
    p50: at(50), p99: at(99), errors: sum((r) => r.errors), non2xx: sum((r) => r.non2xx),
  });
});`;

export function loadGenerator() {
  const worker = new Worker(WORKER, { eval: true, workerData: { autocannon: createRequire(import.meta.url).resolve('autocannon') } });
  let failed: ((err: Error) => void) | undefined;
  worker.on('error', (err) => failed?.(err));
  return {
    /** GETs `urls` with `connections` each for `duration` seconds. */
    run: (urls: string[], headers: Record<string, string>, connections: number, duration: number) =>
      new Promise<Load>((resolve, reject) => {
        failed = reject;
        worker.once('message', resolve);
        worker.postMessage({ urls, connections, duration, headers });
      }),
    stop: () => worker.terminate(),
  };
}

/** A temporary DATA_DIR, removed by the caller. */
export const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
