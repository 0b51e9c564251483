import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { appPolicy, type ServerPage } from './csp.js';
import type { HttpServer } from './server.js';

/** Where `vite build` writes the web app (see vite.config.ts). */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/** Whether the web app has been built (`npm start` builds it when missing or stale). */
export const webAppBuilt = (dist = WEB_DIST) => fs.existsSync(path.join(dist, 'index.html')) && fs.existsSync(path.join(dist, 'assets'));

/**
 * Serves the single-page web app: hashed assets for a year (precompressed .gz when the browser takes
 * it), and `index.html` for every other address outside the API, so that `/tickets/TD-000042` or a
 * reset link opened from an e-mail lands on its screen. Without a built app, `fallback` answers `/`.
 * `index.html` goes with the web app's Content-Security-Policy (images also from `imageHosts`).
 */
export async function serveWebApp(http: HttpServer, fallback: () => ServerPage, opts: { dist?: string; imageHosts?: readonly string[] } = {}) {
  const dist = opts.dist ?? WEB_DIST;
  if (!webAppBuilt(dist)) {
    http.get('/', { schema: { hide: true } }, async (_req, reply) => {
      const { html, csp } = fallback();
      return reply.type('text/html; charset=utf-8').header('content-security-policy', csp).send(html);
    });
    return;
  }
  const csp = appPolicy(opts.imageHosts);
  await http.register(fastifyStatic, {
    root: path.join(dist, 'assets'),
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
    preCompressed: true,
    index: false,
  });
  const index = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  // Top-level files that Vite copies from web/public (icons and the like).
  const topLevel = new Set(fs.readdirSync(dist).filter((f) => f !== 'index.html' && fs.statSync(path.join(dist, f)).isFile()));
  const page = async (req: { url: string }, reply: FastifyReply) => {
    const name = req.url.split('?')[0]!.slice(1);
    if (topLevel.has(name)) return reply.header('cache-control', 'public, max-age=3600').sendFile(name, dist);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', csp).send(index);
  };
  http.get('/', { schema: { hide: true } }, page);
  http.get('/*', { schema: { hide: true } }, async (req, reply) => {
    // Unknown API addresses keep the API's JSON 404.
    if (req.url.startsWith('/api/') || req.url.startsWith('/assets/'))
      return reply.code(404).send({ statusCode: 404, error: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` });
    return page(req, reply);
  });
}
