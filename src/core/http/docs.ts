import fastifySwaggerUi from '@fastify/swagger-ui';
import type { HttpServer } from './server.js';

/** Where the browsable API reference is served. */
export const API_DOCS_PATH = '/api/docs';

/**
 * The page's own Content-Security-Policy: scripts only from the app itself (Swagger UI's page has no
 * inline script), nothing from elsewhere. Swagger UI's React components set style attributes, hence
 * 'unsafe-inline' for styles only.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

/**
 * The OpenAPI document as a browsable reference (Swagger UI) at /api/docs, its assets served by the
 * app itself; public, like the document. "Try it out" works with the reader's own session cookie or
 * an API token entered under Authorize.
 */
export async function serveApiDocs(http: HttpServer) {
  await http.register(async (docs) => {
    // The plugin's routes are not API calls: let them through without signing in.
    docs.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), public: true };
    });
    await docs.register(fastifySwaggerUi, {
      routePrefix: API_DOCS_PATH,
      staticCSP: DOCS_CSP,
      validatorUrl: false,
      theme: { title: 'Tierdesk API reference' },
      uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0, displayRequestDuration: true, tryItOutEnabled: false, persistAuthorization: false },
    });
  });
}
