import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../observability/scrape.js';
import { readyGauge } from '../observability/metrics.js';
import { lifecycleOf } from './lifecycle.js';
import type { HttpServer } from './server.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Why a process is not ready. */
export const NotReadyReason = z.enum(['shutting_down', 'database_unreachable', 'migrations_pending']);

/** How long readiness waits for the database before calling it unreachable. */
const DB_CHECK_MS = 2000;

/** The digest of a secret, so that comparing two takes the same time whatever they hold. */
const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/** Whether an Authorization header carries `Bearer <token>`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return Boolean(m) && crypto.timingSafeEqual(digest(m![1]!), digest(token));
}

/**
 * Whether the process can take requests: not while draining, not without its database, and not
 * while the database lacks migrations this version expects (another process is migrating it, or
 * an older backup was restored under a newer version).
 */
export async function readiness(
  db: AnyDb,
  draining: () => boolean,
  migrations: string[],
): Promise<{ ready: true } | { ready: false; reason: z.infer<typeof NotReadyReason> }> {
  if (draining()) return { ready: false, reason: 'shutting_down' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), DB_CHECK_MS)));
  try {
    const applied = await Promise.race([sql<{ name: string }>`select name from kysely_migration`.execute(db), timeout]);
    if (applied === 'timeout') return { ready: false, reason: 'database_unreachable' };
    const names = new Set(applied.rows.map((r) => r.name));
    if (migrations.some((m) => !names.has(m))) return { ready: false, reason: 'migrations_pending' };
  } catch {
    return { ready: false, reason: 'database_unreachable' };
  } finally {
    clearTimeout(timer);
  }
  return draining() ? { ready: false, reason: 'shutting_down' } : { ready: true };
}

/**
 * The routes for the load balancer and Prometheus: `GET /api/v1/health/ready`, and `GET /metrics`
 * on this port when a metrics token is configured (without it the route answers 404).
 */
export function operationsRoutes(server: HttpServer, o: { db: AnyDb; clock: Clock; migrations: string[]; metricsToken: string | null }) {
  const lifecycle = lifecycleOf(server);
  readyGauge.set(1);
  server.get(
    '/api/v1/health/ready',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Readiness, for a load balancer',
        description:
          'Whether this process takes requests now: 503 while it shuts down (drains), when its database is unreachable, or while the database lacks migrations. `/api/v1/health` is liveness.',
        security: [],
        response: {
          200: z.object({ ready: z.literal(true) }),
          503: z.object({ ready: z.literal(false), reason: NotReadyReason }),
        },
      },
    },
    async (_req, reply) => {
      const r = await readiness(o.db, () => lifecycle.draining, o.migrations);
      return r.ready ? r : reply.code(503).send(r);
    },
  );
  if (!o.metricsToken) {
    // Said here, so that the web app's fallback never answers this address with a page.
    server.get('/metrics', { config: { public: true, ownAuthorization: true }, schema: { hide: true } }, async (_req, reply) =>
      reply.code(404).send({ statusCode: 404, error: 'not_found', message: 'Metrics are not served on this port (METRICS_TOKEN is not set)' }),
    );
    return;
  }
  const token = o.metricsToken;
  server.get('/metrics', { config: { public: true, ownAuthorization: true }, schema: { hide: true } }, async (req, reply) => {
    if (!bearerMatches(req.headers.authorization, token))
      return reply.code(401).send({ statusCode: 401, error: 'unauthorized', message: 'The metrics need Authorization: Bearer <METRICS_TOKEN>' });
    return reply.type(METRICS_CONTENT_TYPE).send(await renderMetrics(o.db, o.clock.now()));
  });
}

/**
 * A separate listener for Prometheus (METRICS_PORT): how a worker, which has no HTTP port, shows its
 * metrics, and a way to keep them off the public port. Asks for the token too when one is set.
 */
export async function startMetricsListener(o: { db: AnyDb; clock: Clock; host: string; port: number; token: string | null }) {
  const server = http.createServer((req, res) => {
    const send = (status: number, body: string, type = 'application/json; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') return send(404, JSON.stringify({ statusCode: 404, error: 'not_found', message: `No route ${req.method} ${path}` }));
    if (o.token && !bearerMatches(req.headers.authorization, o.token))
      return send(401, JSON.stringify({ statusCode: 401, error: 'unauthorized', message: 'The metrics need Authorization: Bearer <METRICS_TOKEN>' }));
    renderMetrics(o.db, o.clock.now()).then(
      (text) => send(200, text, METRICS_CONTENT_TYPE),
      () => send(500, JSON.stringify({ statusCode: 500, error: 'internal_error', message: 'The metrics could not be read' })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
