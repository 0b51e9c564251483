/**
 * Scale-out on PostgreSQL, with the compiled processes production runs: reads (a requester's
 * request, GET /api/v1/tickets/:id with an API token) against one `all` process, one `serve` (and a
 * `worker`), and two `serve` processes and a `worker`, side by side; the ratio is two servers
 * against one. On a 2-core machine the load generator and PostgreSQL share the cores with the
 * servers, so each line also says where the CPU went (from /proc): the servers', PostgreSQL's
 * backends' (of this database only) and the machine's busy share — whether the database, the
 * servers or the machine was the limit. Also the memory of each compiled process, idle and under load.
 *
 * Env: BENCH_SECONDS (per measurement, default 5), BENCH_SCALE_CONNECTIONS (per server, default 16),
 * BENCH_DATABASE_URL (the PostgreSQL server; default the local one).
 */
import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  apiToken,
  benchDatabase,
  cpuBetween,
  cpuSeconds,
  loadGenerator,
  machineCpu,
  pgBackendCpu,
  processEnv,
  rssMiB,
  runCli,
  startProcess,
  tempDir,
  type Proc,
} from './processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_SCALE_CONNECTIONS ?? 16);
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

type SetUp = { name: string; roles: ('all' | 'serve' | 'worker')[] };
const SET_UPS: SetUp[] = [
  { name: '1 all', roles: ['all'] },
  { name: '1 serve + 1 worker', roles: ['serve', 'worker'] },
  { name: '2 serve + 1 worker', roles: ['serve', 'serve', 'worker'] },
];

export async function benchScaleOut(): Promise<object[]> {
  const db = await benchDatabase();
  const dataDir = tempDir('tierdesk-scale-bench-');
  const env = processEnv(db.url, dataDir);
  const admin = new pg.Client({ connectionString: db.url });
  const load = loadGenerator();
  const results: object[] = [];
  let procs: Proc[] = [];
  try {
    log('scale-out: compiling (when stale), migrating and loading the demo data');
    runCli(['seed-demo'], env);
    await admin.connect();
    const read = await admin.query<{ id: string; number: number }>(
      `select t.id, t.number from tickets t join users u on u.id = t.requester_id where u.email = 'alice@client-a.test' order by t.number limit 1`,
    );
    const ticket = read.rows[0]!;
    await admin.query('vacuum analyze');
    let token: string | undefined;
    const measured = new Map<string, number>();

    for (const setUp of SET_UPS) {
      procs = await Promise.all(setUp.roles.map((role) => startProcess(role, env)));
      const servers = procs.filter((p) => p.role !== 'worker');
      token ??= await apiToken(servers[0]!.url, 'alice@client-a.test');
      const urls = servers.map((s) => `${s.url}/api/v1/tickets/${ticket.id}`);
      const headers = { authorization: `Bearer ${token}` };
      for (const url of urls) {
        const res = await fetch(url, { headers });
        if (!res.ok) throw new Error(`${setUp.name}: ${res.status} ${await res.text()}`);
      }
      // Idle: started, one request answered each, a moment for start-up garbage to be collected.
      await sleep(2000);
      const idle = procs.map((p) => rssMiB(p.pid));
      log(`scale-out: warm-up 1 s, then ${SECONDS} s at ${CONNECTIONS} connections per server: ${setUp.name}`);
      await load.run(urls, headers, CONNECTIONS, 1);

      const cpu0 = procs.map((p) => cpuSeconds(p.pid));
      const pg0 = await pgBackendCpu(admin, db.name);
      const machine0 = machineCpu();
      const peak = procs.map((p) => rssMiB(p.pid));
      const sampling = setInterval(() => procs.forEach((p, i) => (peak[i] = Math.max(peak[i]!, rssMiB(p.pid)))), 250);
      const r = await load.run(urls, headers, CONNECTIONS, SECONDS);
      clearInterval(sampling);
      const machine1 = machineCpu();
      const pgCpu = cpuBetween(pg0, await pgBackendCpu(admin, db.name));
      const procCpu = procs.map((p, i) => cpuSeconds(p.pid) - cpu0[i]!);
      const wall = SECONDS;
      measured.set(setUp.name, r.rps);
      const requests = r.rps * wall;
      const line = {
        name: `scale-out: GET /api/v1/tickets/:id as requester alice on PostgreSQL, ${setUp.name}`,
        database: 'postgres',
        setUp: setUp.name,
        connections: CONNECTIONS * servers.length,
        requestsPerSecond: r.rps,
        p50Ms: r.p50,
        p99Ms: r.p99,
        errors: r.errors,
        non2xx: r.non2xx,
        baselineRequestsPerSecond: measured.get('1 serve + 1 worker') ?? r.rps,
        ratioRps: round(r.rps / (measured.get('1 serve + 1 worker') ?? r.rps), 3),
        processes: procs.map((p, i) => ({ role: p.role, rssIdleMiB: idle[i], rssUnderLoadMiB: peak[i], cpuCores: round(procCpu[i]! / wall, 2) })),
        // Where the time went: CPU ms per request in the servers and in PostgreSQL, and how busy the
        // machine (both cores, the load generator and the neighbours included) was.
        serverCpuMsPerRequest: round((procCpu.reduce((a, b) => a + b, 0) * 1000) / requests, 2),
        postgresCpuMsPerRequest: round((pgCpu * 1000) / requests, 2),
        postgresCpuCores: round(pgCpu / wall, 2),
        machineBusyShare: round((machine1.busy - machine0.busy) / (machine1.total - machine0.total), 2),
        cores: os.cpus().length,
      };
      if (r.errors || r.non2xx) log(`  ! ${r.errors} errors, ${r.non2xx} non-2xx`);
      results.push(line);
      await Promise.all(procs.map((p) => p.stop()));
      procs = [];
    }
    const two = measured.get('2 serve + 1 worker')!;
    const one = measured.get('1 serve + 1 worker')!;
    results.push({ targets: { scaleOutRatio: { value: round(two / one, 3), target: 1.5, met: two / one >= 1.5 } } });
    return results;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await load.stop();
    await admin.end().catch(() => undefined);
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
