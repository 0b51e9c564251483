/**
 * Soak (BENCH_PARTS=soak; not in the default set): one compiled `all` process under a steady mixed
 * load for BENCH_SOAK_MINUTES (default 30) — every 10 operations: 5 reads of a request, 2 request
 * lists, 1 create by a requester, 1 public reply and 1 internal note by an agent — at
 * BENCH_SOAK_RATE operations per second (default 20), sent at a fixed pace whatever the answers take.
 * One JSON line per minute (operations, errors, p50/p99, the process's RSS), then a summary: memory
 * at the end against the end of the first minute (flat within 10 %), the worst minute's p99 against
 * the first minute's, and the errors (target 0). SQLite in a temporary DATA_DIR, or PostgreSQL
 * when BENCH_DATABASE_URL is set (a database of its own, dropped afterwards).
 */
import fs from 'node:fs';
import { apiToken, benchDatabase, processEnv, rssMiB, runCli, startProcess, tempDir, type Proc } from './processes.js';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 30);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 20);
/** Operations allowed in flight before the next one counts as an error rather than piling up. */
const MAX_IN_FLIGHT = 256;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

type Op = (i: number) => { method: 'GET' | 'POST'; path: string; token: string; body?: unknown };

/** The value at percentile p of sorted `ms`. */
const at = (ms: number[], p: number) => (ms.length ? Number(ms[Math.ceil((p / 100) * ms.length) - 1]!.toFixed(2)) : null);

export async function benchSoak(): Promise<object[]> {
  const pgDb = process.env.BENCH_DATABASE_URL ? await benchDatabase() : undefined;
  const dataDir = tempDir('tierdesk-soak-');
  const env = processEnv(pgDb?.url, dataDir);
  let proc: Proc | undefined;
  const lines: object[] = [];
  try {
    log(`soak: ${MINUTES} min at ${RATE} operations/s on ${pgDb ? 'postgres' : 'sqlite'}`);
    runCli(['seed-demo'], env);
    proc = await startProcess('all', env);
    const base = `${proc.url}/api/v1`;
    const [alice, agent] = [await apiToken(proc.url, 'alice@client-a.test'), await apiToken(proc.url, 'l1@demo.test')];
    const first = await fetch(`${base}/tickets?limit=1`, { headers: { authorization: `Bearer ${alice}` } });
    const mine = ((await first.json()) as { items: { id: string }[] }).items[0]!.id;
    // Replies go to the requests this soak created (the newest first), so that the data grows as a desk's does.
    const created: string[] = [mine];
    const recent = (i: number) => created[created.length - 1 - (i % Math.min(created.length, 50))]!;
    const ops: Op[] = [
      () => ({ method: 'GET', path: `/tickets/${mine}`, token: alice }),
      (i) => ({ method: 'GET', path: `/tickets/${recent(i)}`, token: alice }),
      () => ({ method: 'GET', path: '/tickets?limit=50', token: alice }),
      () => ({ method: 'GET', path: `/tickets/${mine}`, token: alice }),
      (i) => ({ method: 'POST', path: '/tickets', token: alice, body: { subject: `Soak request ${i}`, description: 'The printer on the 3rd floor jams.' } }),
      (i) => ({ method: 'GET', path: `/tickets/${recent(i)}`, token: agent }),
      (i) => ({ method: 'POST', path: `/tickets/${recent(i)}/comments`, token: agent, body: { body: `Public reply ${i}: please restart it.` } }),
      () => ({ method: 'GET', path: '/tickets?limit=50', token: agent }),
      (i) => ({ method: 'POST', path: `/tickets/${recent(i)}/comments`, token: agent, body: { body: `Note ${i}`, internal: true } }),
      () => ({ method: 'GET', path: `/tickets/${mine}`, token: alice }),
    ];

    let minute = { ms: [] as number[], errors: 0, ops: 0, failures: {} as Record<string, number> };
    const fail = (bucket: typeof minute, why: string) => {
      bucket.errors++;
      bucket.failures[why] = (bucket.failures[why] ?? 0) + 1;
    };
    let inFlight = 0;
    const send = async (i: number) => {
      const op = ops[i % ops.length]!(i);
      if (inFlight >= MAX_IN_FLIGHT) return fail(minute, 'too many in flight');
      inFlight++;
      const bucket = minute;
      const t0 = performance.now();
      try {
        const res = await fetch(base + op.path, {
          method: op.method,
          headers: { authorization: `Bearer ${op.token}`, ...(op.body !== undefined && { 'content-type': 'application/json' }) },
          body: op.body === undefined ? undefined : JSON.stringify(op.body),
        });
        const json = (await res.json()) as { id?: string };
        bucket.ms.push(performance.now() - t0);
        if (!res.ok) fail(bucket, `${op.method} ${res.status}`);
        else if (op.method === 'POST' && op.path === '/tickets' && json.id) created.push(json.id);
      } catch (err) {
        fail(bucket, (err as Error).message);
      } finally {
        inFlight--;
      }
      bucket.ops++;
    };

    const perMinute: { p99: number | null; rss: number; errors: number }[] = [];
    /** Closes the minute under way: its line on stdout. */
    const flush = () => {
      const done = minute;
      minute = { ms: [], errors: 0, ops: 0, failures: {} };
      done.ms.sort((a, b) => a - b);
      const rss = rssMiB(proc!.pid);
      perMinute.push({ p99: at(done.ms, 99), rss, errors: done.errors });
      const line = { name: 'soak: minute', minute: perMinute.length, operations: done.ops, errors: done.errors, failures: done.failures, p50Ms: at(done.ms, 50), p99Ms: at(done.ms, 99), rssMiB: rss };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    };
    const start = performance.now();
    const end = start + MINUTES * 60_000;
    let sent = 0;
    let minuteEnd = start + 60_000;
    for (let now = start; now < end; now = performance.now()) {
      // The fixed pace: every operation due by now is sent, whether the earlier ones have answered or not.
      const due = Math.floor(((now - start) / 1000) * RATE);
      while (sent < due) void send(sent++);
      if (now >= minuteEnd) {
        flush();
        minuteEnd += 60_000;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // The last (partial) minute, with what answered after the load stopped.
    if (minute.ops || perMinute.length === 0) flush();

    const first1 = perMinute[0]!;
    const last = perMinute[perMinute.length - 1]!;
    const worstP99 = Math.max(...perMinute.map((m) => m.p99 ?? 0));
    const errors = perMinute.reduce((s, m) => s + m.errors, 0);
    const growth = last.rss / first1.rss;
    lines.push({
      name: `soak: ${MINUTES} min of mixed load at ${RATE}/s, one compiled all process`,
      database: pgDb ? 'postgres' : 'sqlite',
      operations: sent,
      errors,
      rssFirstMinuteMiB: first1.rss,
      rssLastMinuteMiB: last.rss,
      ratioRss: Number(growth.toFixed(3)),
      baselineP99Ms: first1.p99,
      worstP99Ms: worstP99,
      ratioP99: first1.p99 ? Number((worstP99 / first1.p99).toFixed(2)) : null,
      targets: {
        memoryFlat: { value: Number(growth.toFixed(3)), target: '0.9–1.1', met: growth >= 0.9 && growth <= 1.1 },
        errors: { value: errors, target: 0, met: errors === 0 },
      },
    });
    return lines;
  } finally {
    await proc?.stop();
    await pgDb?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
