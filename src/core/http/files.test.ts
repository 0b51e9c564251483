import { describe, expect, it } from 'vitest';
import { fileHeaders } from './files.js';

describe('stored files as sent to the browser', () => {
  it.each(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])('shows %s inline, sandboxed and never sniffed', (type) => {
    const h = fileHeaders(type, 'a b.png');
    expect(h['content-type']).toBe(type);
    expect(h['content-disposition']).toBe("inline; filename*=UTF-8''a%20b.png");
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox");
  });

  it('shows a PDF inline, allowing nothing but the viewer', () => {
    const h = fileHeaders('application/pdf', 'report.pdf');
    expect(h['content-disposition']).toBe("inline; filename*=UTF-8''report.pdf");
    expect(h['content-security-policy']).toMatch(/^default-src 'none'/);
  });

  it.each(['image/svg+xml', 'text/html', 'text/html; charset=utf-8', 'application/xhtml+xml', 'text/xml', 'application/xml', 'application/atom+xml'])(
    'never renders %s: downloaded as bytes',
    (type) => {
      const h = fileHeaders(type, 'x');
      expect(h['content-type']).toBe('application/octet-stream');
      expect(h['content-disposition']).toMatch(/^attachment;/);
      expect(h['content-security-policy']).toContain('sandbox');
    },
  );

  it.each(['text/plain', 'message/rfc822', 'application/zip', 'image/bmp', 'application/octet-stream'])('downloads %s', (type) => {
    const h = fileHeaders(type, 'f');
    expect(h['content-type']).toBe(type);
    expect(h['content-disposition']).toBe("attachment; filename*=UTF-8''f");
  });
});
