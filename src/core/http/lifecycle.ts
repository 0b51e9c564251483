import type { FastifyInstance } from 'fastify';
import { inFlightChanged, observeHttp, readyGauge } from '../observability/metrics.js';

/** Routes that keep answering while the server drains and do not hold it open: the balancer's and Prometheus's. */
const OPERATIONS_ROUTES = new Set(['/api/v1/health', '/api/v1/health/ready', '/api/v1/ping', '/metrics']);

/**
 * Where an HTTP server is in its life: serving, or draining before it stops. Draining (on SIGTERM)
 * turns readiness to 503 at once, ends live streams, refuses new requests with 503 (the balancer
 * sends them elsewhere) and waits for those in flight; then the listener closes.
 */
export class Lifecycle {
  private _draining = false;
  private _refusing = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private drainListeners: (() => void)[] = [];

  /** Whether the server is draining: readiness says not ready. */
  get draining() {
    return this._draining;
  }

  /** Whether new requests are refused (the last step of draining). */
  get refusing() {
    return this._refusing;
  }

  /** Runs `fn` when new requests stop being taken (e.g. to end live streams, which never finish by themselves). */
  onStopTaking(fn: () => void) {
    this.drainListeners.push(fn);
  }

  /** Starts draining: not ready from now on; requests are still served. */
  beginDrain() {
    this._draining = true;
    readyGauge.set(0);
  }

  /** Refuses new requests from now on and ends live streams. */
  stopTaking() {
    this.beginDrain();
    if (this._refusing) return;
    this._refusing = true;
    for (const fn of this.drainListeners) fn();
  }

  /** Resolves once no request is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** @internal a request began; returns the function that ends it (call once). */
  enter(): () => void {
    this.inFlight++;
    inFlightChanged(1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      inFlightChanged(-1);
      if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    };
  }
}

const lifecycles = new WeakMap<object, Lifecycle>();

/** The lifecycle of a server made by createHttpServer. */
export function lifecycleOf(http: FastifyInstance<any, any, any, any, any>): Lifecycle { // eslint-disable-line @typescript-eslint/no-explicit-any
  const l = lifecycles.get(http);
  if (!l) throw new Error('This server has no lifecycle (not made by createHttpServer)');
  return l;
}

/**
 * Gives a server its lifecycle and its request metrics: every request is timed under its route's
 * pattern (the raw URL would make a label per request id) and counted in flight until its response
 * is done; while draining, new requests other than the operations routes get a 503.
 */
export function attachLifecycle(http: FastifyInstance<any, any, any, any, any>): Lifecycle { // eslint-disable-line @typescript-eslint/no-explicit-any
  const lifecycle = new Lifecycle();
  lifecycles.set(http, lifecycle);
  http.addHook('onRequest', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const start = process.hrtime.bigint();
    const operations = OPERATIONS_ROUTES.has(route);
    const leave = operations ? () => undefined : lifecycle.enter();
    // 'close' comes for every response: finished, aborted, or a hijacked stream that ended.
    reply.raw.once('close', () => {
      leave();
      observeHttp(req.method, route, reply.raw.statusCode, Number(process.hrtime.bigint() - start) / 1e9);
    });
    if (lifecycle.refusing) {
      // Each client opens a new connection for its next request, which the balancer sends elsewhere.
      reply.header('connection', 'close');
      if (!operations) {
        reply.code(503).header('retry-after', '1').send({ statusCode: 503, error: 'shutting_down', message: 'This server is shutting down; try again' });
        return;
      }
    }
    done();
  });
  return lifecycle;
}

/**
 * Drains and closes a server: readiness 503 first, then (after `delayMs`, time for the balancer to
 * notice) no new requests; the listener closes once those in flight have finished.
 */
export async function drainHttp(http: FastifyInstance<any, any, any, any, any>, delayMs = 0): Promise<void> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const lifecycle = lifecycleOf(http);
  lifecycle.beginDrain();
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  lifecycle.stopTaking();
  await lifecycle.idle();
  await http.close();
}
