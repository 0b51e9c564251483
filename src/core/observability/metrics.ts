import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics, in one registry. Modules count what happens through the small
 * functions below (never prom-client itself); the gauges that need a query are set at scrape time
 * (see scrape.ts). Each process (serve, worker, all) exposes its own; Prometheus adds them up.
 * The names are a contract with deploy/grafana/tierdesk.json and the README.
 */
export const registry = new Registry();

// Process memory, CPU, event-loop lag and the like, under their usual names (process_*, nodejs_*).
collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

/** Which parts of Tierdesk this process runs, and its version (always 1). */
export const processInfo = new Gauge({ name: 'tierdesk_info', help: 'The role and version of this process (always 1)', labelNames: ['role', 'version'], registers: [registry] });

/** Whether the process would take requests now (the readiness answer). */
export const readyGauge = new Gauge({ name: 'tierdesk_ready', help: '1 while the process is ready to take requests, 0 while starting or draining', registers: [registry] });

const httpDuration = new Histogram({
  name: 'tierdesk_http_request_duration_seconds',
  help: 'HTTP request latency by method, route pattern and status code',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const httpInFlight = new Gauge({ name: 'tierdesk_http_requests_in_flight', help: 'HTTP requests being served now (live streams included, health and metrics not)', registers: [registry] });

/** A request began (+1) or ended (-1). */
export function inFlightChanged(delta: 1 | -1) {
  httpInFlight.inc(delta);
}

const dbQueryDuration = new Histogram({
  name: 'tierdesk_db_query_duration_seconds',
  help: 'Database query time, by outcome (ok or error)',
  labelNames: ['outcome'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
  registers: [registry],
});

const pools = new Set<() => { total: number; idle: number; waiting: number }>();
new Gauge({
  name: 'tierdesk_db_pool_connections',
  help: 'PostgreSQL pool connections of this process: total (open), idle, and waiting (callers queued for one)',
  labelNames: ['state'],
  registers: [registry],
  collect() {
    const sum = { total: 0, idle: 0, waiting: 0 };
    for (const stats of pools) for (const [k, v] of Object.entries(stats())) sum[k as keyof typeof sum] += v;
    for (const [state, v] of Object.entries(sum)) this.set({ state }, v);
  },
});

const inbound = new Counter({
  name: 'tierdesk_inbound_total',
  help: 'Inbound e-mail, SMS and calls taken in, by channel and outcome (created, appended, quarantined, answered, missed…)',
  labelNames: ['channel', 'outcome'],
  registers: [registry],
});

const slaWarnings = new Counter({ name: 'tierdesk_sla_warnings_total', help: 'SLA warnings raised, by the client’s plan', labelNames: ['plan'], registers: [registry] });
const slaBreaches = new Counter({ name: 'tierdesk_sla_breaches_total', help: 'SLA breaches recorded, by the client’s plan', labelNames: ['plan'], registers: [registry] });

const liveConnections = new Gauge({ name: 'tierdesk_live_connections', help: 'Open live-update streams (Server-Sent Events) on this process', registers: [registry] });

const timersRun = new Counter({ name: 'tierdesk_timers_run_total', help: 'Timers handled by this worker, by outcome (fired, retried, failed)', labelNames: ['outcome'], registers: [registry] });
const outboxDelivered = new Counter({
  name: 'tierdesk_outbox_delivered_total',
  help: 'Outbox messages this worker handled, by channel and outcome (sent, retried, failed, interrupted)',
  labelNames: ['channel', 'outcome'],
  registers: [registry],
});

/** Scrape-time gauges, set by scrape.ts just before the registry is read. */
export const timersDue = new Gauge({ name: 'tierdesk_timers_due', help: 'Pending timers whose due time has come', registers: [registry] });
export const timersOverdue = new Gauge({ name: 'tierdesk_timers_overdue', help: 'Pending timers due for more than a minute (the scheduler is behind or stopped)', registers: [registry] });
export const outboxBacklog = new Gauge({ name: 'tierdesk_outbox_backlog', help: 'Outbox messages waiting to be sent (pending or sending), by channel', labelNames: ['channel'], registers: [registry] });
export const deadLetters = new Gauge({ name: 'tierdesk_outbox_dead_letters', help: 'Outbox messages given up (dead letters), by channel', labelNames: ['channel'], registers: [registry] });

/** Records one HTTP request; `route` is the route's pattern (`/api/v1/tickets/:id`), never the raw URL. */
export function observeHttp(method: string, route: string, statusCode: number, seconds: number) {
  httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
}

/** Records one database query's time. */
export function observeQuery(seconds: number, ok: boolean) {
  dbQueryDuration.observe({ outcome: ok ? 'ok' : 'error' }, seconds);
}

/** Reports a connection pool's numbers at each scrape until the returned function is called. */
export function trackPool(stats: () => { total: number; idle: number; waiting: number }): () => void {
  pools.add(stats);
  return () => pools.delete(stats);
}

/** Counts one inbound message or call by its outcome. */
export function countInbound(channel: 'email' | 'sms' | 'phone', outcome: string) {
  inbound.inc({ channel, outcome });
}

/** Counts an SLA warning or breach under the plan code of the request's client ('none' without a plan). */
export function countSla(kind: 'warning' | 'breach', plan: string | null) {
  (kind === 'warning' ? slaWarnings : slaBreaches).inc({ plan: plan ?? 'none' });
}

/** A live stream opened (+1) or closed (-1). */
export function liveStreamChanged(delta: 1 | -1) {
  liveConnections.inc(delta);
}

/** Counts a scheduler pass's outcome. */
export function countTimers(r: { fired: number; failed: number; retried: number }) {
  for (const outcome of ['fired', 'failed', 'retried'] as const) if (r[outcome]) timersRun.inc({ outcome }, r[outcome]);
}

/** Counts a delivery pass's outcome on one outbox channel. */
export function countDelivery(channel: string, r: { sent: number; retried: number; failed: number; interrupted: number }) {
  for (const outcome of ['sent', 'retried', 'failed', 'interrupted'] as const) if (r[outcome]) outboxDelivered.inc({ channel, outcome }, r[outcome]);
}
