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
