import { serverPage, type ServerPage } from './core/http/csp.js';

/** The page at `/` until the web app is served there: where the API and its document are, in both languages. */
export function landingPage(): ServerPage {
  return serverPage(
    (nonce) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tierdesk</title>
<style nonce="${nonce}">body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto}</style></head>
<body>
<h1>Tierdesk</h1>
<p lang="en">The service desk is running. The REST API is under <a href="/api/v1/health">/api/v1</a>;
its OpenAPI document is <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
<p lang="ru">Сервис-деск работает. REST API доступен по адресу <a href="/api/v1/health">/api/v1</a>;
описание OpenAPI — <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
</body></html>`,
  );
}
