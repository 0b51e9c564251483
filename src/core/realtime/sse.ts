import type { FastifyRequest } from 'fastify';
import { lifecycleOf } from '../http/lifecycle.js';
import type { HttpServer } from '../http/server.js';
import { liveStreamChanged } from '../observability/metrics.js';
import { mayHear, type Listener, type LiveHub } from './hub.js';

/** How often a comment line keeps idle proxies from closing the stream. */
const KEEPALIVE_MS = 25_000;

/**
 * `GET /api/v1/live`: a Server-Sent Events stream of change hints (`event: change`, data
 * `{type, subjectType, subjectId}`) for what the signed-in person may see. Streams end when the
 * server shuts down; the browser reconnects by itself.
 */
export function liveRoutes(http: HttpServer, hub: LiveHub, listenerOf: (req: FastifyRequest) => Listener) {
  const streams = new Set<() => void>();
  const endAll = () => {
    for (const end of streams) end();
  };
  http.addHook('preClose', async () => endAll());
  // A draining server ends its streams first: browsers reconnect, through the balancer, to another.
  lifecycleOf(http).onStopTaking(endAll);

  http.get('/api/v1/live', {
    schema: {
      tags: ['live'],
      description:
        'Server-Sent Events: `event: change` with `{type, subjectType, subjectId}` whenever something the caller may see changes; ' +
        'to staff also `ticket.replying` with `actor` while a colleague writes a reply.',
    },
    handler: async (req, reply) => {
      const listener = listenerOf(req);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n: connected\n\n');
      const unsubscribe = await hub.subscribe((m) => {
        if (!mayHear(listener, m)) return;
        res.write(`event: change\ndata: ${JSON.stringify({ type: m.type, subjectType: m.subjectType, subjectId: m.subjectId, ...(m.actor && { actor: m.actor }) })}\n\n`);
      });
      const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
      liveStreamChanged(1);
      const end = () => {
        if (!streams.has(end)) return;
        liveStreamChanged(-1);
        clearInterval(keepalive);
        unsubscribe();
        streams.delete(end);
        if (!res.writableEnded) res.end();
      };
      streams.add(end);
      req.raw.on('close', end);
    },
  });
}
