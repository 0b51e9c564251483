import { describe, expect, it } from 'vitest';
import { escapeHtml, highlight, snippet } from './snippet.js';
import { queryStems } from './text.js';

describe('snippets', () => {
  it('highlight every form of the words searched for, in the original text', () => {
    expect(highlight('Принтеры и принтер; Printers & printing', queryStems('принтера printer'))).toBe(
      '<mark>Принтеры</mark> и <mark>принтер</mark>; <mark>Printers</mark> &amp; printing',
    );
  });

  it('quote the passage with the most of the words, marking the cuts', () => {
    const text = `${'filler '.repeat(50)}the VPN drops when the router is idle ${'tail '.repeat(50)}`;
    const s = snippet(text, queryStems('vpn router'), 12);
    expect(s).toMatch(/^…/);
    expect(s).toMatch(/…$/);
    expect(s).toContain('<mark>VPN</mark> drops when the <mark>router</mark>');
  });

  it('quote the beginning when nothing matches, and escape the text', () => {
    expect(snippet('<b>Bold</b> & more', queryStems('nothing'))).toBe('&lt;b&gt;Bold&lt;/b&gt; &amp; more');
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });

  it('never lets markup of the text through', () => {
    const s = snippet('<script>alert(1)</script> printer <img src=x onerror=alert(1)>', queryStems('printer'));
    expect(s).not.toMatch(/<(?!\/?mark>)/);
    expect(s).toContain('<mark>printer</mark>');
  });
});
