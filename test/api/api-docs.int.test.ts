import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';

describe('the API reference', () => {
  const t = useTestApp('sqlite');

  it('the OpenAPI document is valid by a standard validator', async () => {
    const doc = (await t.anonymous().get('/api/v1/openapi.json')).body;
    const result = await validate(doc);
    expect(result.valid ? [] : result.errors).toEqual([]);
    // The validator does look: the same document with an operation's responses removed fails.
    const broken = structuredClone(doc);
    delete broken.paths['/api/v1/tickets'].get.responses;
    expect((await validate(broken)).valid).toBe(false);
  });

  it('carries examples for signing in, tokens and the common request calls', async () => {
    const doc = (await t.anonymous().get('/api/v1/openapi.json')).body;
    const json = (content: any) => content?.['application/json']?.schema;
    const exampleOf = (schema: any) => schema?.example;
    const op = (p: string, m: string) => doc.paths[p][m];
    const requestExample = (p: string, m: string) => exampleOf(json(op(p, m).requestBody?.content));
    const responseExample = (p: string, m: string, status: string) => exampleOf(json(op(p, m).responses[status]?.content));
    expect(requestExample('/api/v1/auth/login', 'post')).toEqual({ email: 'l1@demo.test', password: 'tierdesk-demo' });
    expect(responseExample('/api/v1/auth/login', 'post', '200')).toMatchObject({ user: { email: 'l1@demo.test' }, csrfToken: expect.any(String) });
    expect(requestExample('/api/v1/me/tokens', 'post')).toEqual({ name: expect.any(String) });
    expect(responseExample('/api/v1/me/tokens', 'post', '201')).toMatchObject({ token: expect.stringMatching(/^td_/) });
    expect(requestExample('/api/v1/tickets', 'post')).toMatchObject({ subject: expect.any(String), description: expect.any(String) });
    expect(responseExample('/api/v1/tickets', 'post', '201')).toMatchObject({ number: 'TD-000042' });
    expect(responseExample('/api/v1/tickets', 'get', '200')).toMatchObject({ items: [{ number: 'TD-000042' }] });
    expect(responseExample('/api/v1/tickets/{id}', 'get', '200')).toMatchObject({ number: 'TD-000042' });
    expect(requestExample('/api/v1/tickets/{id}/comments', 'post')).toMatchObject({ body: expect.any(String), internal: false });
    expect(Object.keys(op('/api/v1/tickets/{id}/comments', 'post').requestBody.content)).toEqual(['application/json', 'multipart/form-data']);
    expect(responseExample('/api/v1/tickets/{id}/comments', 'post', '201')).toMatchObject({ kind: 'reply', attachments: [{ filename: expect.any(String) }] });
  });

  it('is served at /api/docs without signing in, from the app itself and without inline scripts', async () => {
    const page = await t.anonymous().get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = String(page.body);
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/api\/docs\/static\//);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/https?:\/\//);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-initializer.js', 'swagger-ui.css']) {
      const r = await fetch(`${t.base}/api/docs/static/${asset}`);
      expect(r.status, asset).toBe(200);
      expect((await r.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
    const json = await t.anonymous().get('/api/docs/json');
    expect(json.body.paths['/api/v1/tickets']).toBeDefined();
  });
});
