/**
 * Soak (BENCH_PARTS=soak; not in the default set): one compiled `all` process under a steady mixed
 * load for BENCH_SOAK_MINUTES (default 30) — every 10 operations: 5 reads of a request, 2 request
 * lists, 1 create by a requester, 1 public reply and 1 internal note by an agent — at
 * BENCH_SOAK_RATE operations per second (default 20), sent at a fixed pace whatever the answers take.
 * SQLite in a temporary DATA_DIR, or PostgreSQL when BENCH_DATABASE_URL is set (a database of its
 * own, dropped afterwards).
 *
 * Memory is sampled every 5 s: the RSS from /proc and the V8 heap from the process's /metrics
 * (nodejs_heap_size_used_bytes, prom-client's default metrics). One JSON line per minute: operations,
 * errors, p50/p99, the RSS's mean and peak, the heap used's floor and peak (the heap is a sawtooth:
 * garbage piles up between major collections, so a single reading says little; the floor, the
 * lowest reading, follows what is live), the process's CPU per operation and its GC time.
 *
 * The summary compares the end (the last full minute) with the end of the warm-up, minute
 * BENCH_SOAK_WARMUP_MINUTES (default 5, at most half the soak), not with the first minute: during
 * the first minutes V8 sizes its old generation from what its first major collections measure (at
 * 20 operations/s, one every minute or so), compiles the hot code and the process fills its SQLite
 * statement cache and page cache, so memory rises to a plateau whatever happens next; a leak is
 * growth after that. Targets: RSS at the end within 10 % of the warm-up's (mean of the minute), the
 * heap's floor over the last two minutes within 10 % of the warm-up's two, the RSS's peak ≤ 300 MiB,
 * the RSS idle (after start, before the load) ≤ 150 MiB, and no errors. Also the worst minute's p99
 * against the warm-up minute's, and the CPU per operation after the warm-up.
 */
import fs from 'node:fs';
import { apiToken, benchDatabase, cpuSeconds, METRICS_TOKEN, processEnv, rssMiB, runCli, startProcess, tempDir, type Proc } from './processes.js';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 30);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 20);
/** The minute whose end is the baseline (see above); at most half the soak. */
const WARMUP = Math.max(1, Math.min(Number(process.env.BENCH_SOAK_WARMUP_MINUTES ?? 5), Math.floor(MINUTES / 2)));
/** Memory is read this often (ms). */
const SAMPLE_MS = 5000;
/** Operations allowed in flight before the next one counts as an error rather than piling up. */
const MAX_IN_FLIGHT = 256;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

type Op = (i: number) => { method: 'GET' | 'POST'; path: string; token: string; body?: unknown };

/** The value at percentile p of sorted `ms`. */
const at = (ms: number[], p: number) => (ms.length ? Number(ms[Math.ceil((p / 100) * ms.length) - 1]!.toFixed(2)) : null);
const MiB = 1024 * 1024;
const round1 = (n: number) => Math.round(n * 10) / 10;
const mean = (xs: number[]) => (xs.length ? round1(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
const ratio = (a: number | null, b: number | null) => (a !== null && b ? Number((a / b).toFixed(3)) : null);

/** The heap used (MiB) and the GC time so far (s) from the process's /metrics; nulls when it does not answer. */
async function heapFromMetrics(url: string): Promise<{ heapUsed: number | null; gcSeconds: number | null }> {
  try {
    const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const used = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
    const gc = [...text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)$/gm)];
    return { heapUsed: used ? round1(Number(used[1]) / MiB) : null, gcSeconds: gc.length ? gc.reduce((t, m) => t + Number(m[1]), 0) : null };
  } catch {
    return { heapUsed: null, gcSeconds: null };
  }
}

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

    // Idle: started, signed in twice, nothing else yet.
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    const rssIdle = rssMiB(proc.pid);
    const emptyMinute = () => ({ ms: [] as number[], errors: 0, ops: 0, failures: {} as Record<string, number>, rss: [] as number[], heap: [] as number[] });
    let minute = emptyMinute();
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
    /** Reads the process's memory into the minute under way. */
    const sample = async () => {
      const bucket = minute;
      bucket.rss.push(rssMiB(proc!.pid));
      const { heapUsed } = await heapFromMetrics(proc!.url);
      if (heapUsed !== null) bucket.heap.push(heapUsed);
    };

    type Minute = { full: boolean; p99: number | null; rssMean: number | null; rssMax: number | null; heapMin: number | null; cpuMsPerOp: number | null; ops: number; cpu: number; errors: number };
    const perMinute: Minute[] = [];
    let cpuBefore = cpuSeconds(proc.pid);
    let gcBefore = (await heapFromMetrics(proc.url)).gcSeconds;
    /** Closes the minute under way: its line on stdout. */
    const flush = async (full: boolean) => {
      const done = minute;
      minute = emptyMinute();
      done.ms.sort((a, b) => a - b);
      const [cpuNow, gcNow] = [cpuSeconds(proc!.pid), (await heapFromMetrics(proc!.url)).gcSeconds];
      const cpu = cpuNow - cpuBefore;
      const gcMs = gcNow !== null && gcBefore !== null ? Math.round((gcNow - gcBefore) * 1000) : null;
      [cpuBefore, gcBefore] = [cpuNow, gcNow];
      if (!done.rss.length) done.rss.push(rssMiB(proc!.pid));
      const m: Minute = {
        full,
        p99: at(done.ms, 99),
        rssMean: mean(done.rss),
        rssMax: Math.max(...done.rss),
        heapMin: done.heap.length ? Math.min(...done.heap) : null,
        cpuMsPerOp: done.ops ? round1((cpu * 1000) / done.ops) : null,
        ops: done.ops,
        cpu,
        errors: done.errors,
      };
      perMinute.push(m);
      const line = {
        name: 'soak: minute',
        minute: perMinute.length,
        operations: done.ops,
        errors: done.errors,
        failures: done.failures,
        p50Ms: at(done.ms, 50),
        p99Ms: m.p99,
        rssMiB: m.rssMean,
        rssMaxMiB: m.rssMax,
        heapUsedMinMiB: m.heapMin,
        heapUsedMaxMiB: done.heap.length ? Math.max(...done.heap) : null,
        cpuMsPerOperation: m.cpuMsPerOp,
        gcMs,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    };
    const start = performance.now();
    const end = start + MINUTES * 60_000;
    let sent = 0;
    let minuteEnd = start + 60_000;
    let nextSample = start;
    for (let now = start; now < end; now = performance.now()) {
      // The fixed pace: every operation due by now is sent, whether the earlier ones have answered or not.
      const due = Math.floor(((now - start) / 1000) * RATE);
      while (sent < due) void send(sent++);
      if (now >= nextSample) {
        void sample();
        nextSample += SAMPLE_MS;
      }
      if (now >= minuteEnd) {
        await flush(true);
        minuteEnd += 60_000;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // The last minute (with what answered after the load stopped): full when the load ran to its end.
    if (minute.ops || perMinute.length === 0) await flush(perMinute.length < MINUTES && performance.now() - (minuteEnd - 60_000) >= 60_000);

    const full = perMinute.filter((m) => m.full);
    const warm = full[Math.min(WARMUP, full.length) - 1] ?? perMinute[0]!;
    const last = full[full.length - 1] ?? perMinute[perMinute.length - 1]!;
    const floor = (ms: Minute[]) => {
      const hs = ms.map((m) => m.heapMin).filter((h): h is number => h !== null);
      return hs.length ? Math.min(...hs) : null;
    };
    const warmIndex = perMinute.indexOf(warm);
    const heapWarm = floor(perMinute.slice(Math.max(0, warmIndex - 1), warmIndex + 1));
    const heapEnd = floor(full.slice(-2));
    const after = full.slice(warmIndex + 1);
    const worstP99 = Math.max(...perMinute.map((m) => m.p99 ?? 0));
    const errors = perMinute.reduce((s, m) => s + m.errors, 0);
    const rssPeak = Math.max(...perMinute.map((m) => m.rssMax ?? 0));
    const rssRatio = ratio(last.rssMean, warm.rssMean);
    const heapRatio = ratio(heapEnd, heapWarm);
    const flat = (r: number | null) => r !== null && r >= 0.9 && r <= 1.1;
    const afterOps = after.reduce((s, m) => s + m.ops, 0);
    lines.push({
      name: `soak: ${MINUTES} min of mixed load at ${RATE}/s, one compiled all process`,
      database: pgDb ? 'postgres' : 'sqlite',
      operations: sent,
      errors,
      warmUpMinute: perMinute.indexOf(warm) + 1,
      lastMinute: perMinute.indexOf(last) + 1,
      rssIdleMiB: rssIdle,
      rssFirstMinuteMiB: perMinute[0]!.rssMean,
      rssWarmUpMiB: warm.rssMean,
      rssLastMinuteMiB: last.rssMean,
      ratioRss: rssRatio,
      rssPeakMiB: rssPeak,
      heapFloorWarmUpMiB: heapWarm,
      heapFloorEndMiB: heapEnd,
      ratioHeapFloor: heapRatio,
      cpuMsPerOperationAfterWarmUp: afterOps ? round1((after.reduce((s, m) => s + m.cpu, 0) * 1000) / afterOps) : null,
      baselineP99Ms: warm.p99,
      worstP99Ms: worstP99,
      ratioP99: warm.p99 ? Number((worstP99 / warm.p99).toFixed(2)) : null,
      targets: {
        memoryFlat: { value: rssRatio, target: '0.9–1.1 (RSS, end against warm-up)', met: flat(rssRatio) },
        heapFlat: { value: heapRatio, target: '0.9–1.1 (heap floor, end against warm-up)', met: flat(heapRatio) },
        rssUnderLoad: { value: rssPeak, target: '≤ 300 MiB', met: rssPeak <= 300 },
        rssIdle: { value: rssIdle, target: '≤ 150 MiB', met: rssIdle <= 150 },
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
