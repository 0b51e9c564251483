import { describe, expect, it } from 'vitest';
import { extractLinks, parseWikiLink, plainText, renderMarkdown, titleKey, type RenderEnv } from './markdown.js';
import { harmfulParts, XSS_PAYLOADS } from './xss-payloads.js';

const env = (over: Partial<RenderEnv> = {}): RenderEnv => ({ resolveLink: () => ({ kind: 'wanted', spaceId: null }), attachmentUrl: () => undefined, ...over });

/** Fails on anything in rendered HTML that could run a script (see harmfulParts). */
const assertHarmless = (html: string) => expect(harmfulParts(html), html).toEqual([]);

describe('sanitizing', () => {
  it.each(XSS_PAYLOADS)('renders %j harmlessly', (payload) => {
    assertHarmless(renderMarkdown(`Before\n\n${payload}\n\nAfter`, env()));
    assertHarmless(renderMarkdown(payload, env()));
  });

  it('keeps ordinary formatting: headings, emphasis, lists, tables, code, links and images', () => {
    const html = renderMarkdown('# Title\n\n*a* **b** ~~c~~\n\n- one\n\n| x | y |\n|:-|-:|\n| 1 | 2 |\n\n```js\nconst a = 1 < 2;\n```\n\n[site](https://example.com) ![pic](https://example.com/a.png)', env());
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<em>a</em> <strong>b</strong> <s>c</s>');
    expect(html).toContain('<th style="text-align:left">x</th>');
    expect(html).toContain('<code class="language-js">const a = 1 &lt; 2;');
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>');
    // An image from another site would tell it who reads the page: it becomes a link.
    expect(html).toContain('<a href="https://example.com/a.png" rel="noopener noreferrer nofollow" class="remote-image">pic</a>');
    expect(html).not.toContain('<img');
    assertHarmless(html);
  });

  it('shows images only from the app itself and the hosts of KB_IMAGE_HOSTS (https)', () => {
    const body = '![a](https://img.example.com/a.png) ![b](http://img.example.com/b.png) ![c](https://other.example/c.png) <img src="https://tracker.example/p.gif" width="1" height="1"> <img src="//img.example.com/d.png" alt="d"> ![e](attachment:e.png) <img src="/api/v1/kb/pages/p/attachments/f" alt="f">';
    const html = renderMarkdown(body, env({ attachmentUrl: () => '/api/v1/kb/pages/p/attachments/e', imageHosts: ['img.example.com'] }));
    const images = [...html.matchAll(/<img src="([^"]*)"/g)].map((m) => m[1]);
    expect(images).toEqual(['https://img.example.com/a.png', '/api/v1/kb/pages/p/attachments/e', '/api/v1/kb/pages/p/attachments/f']);
    expect(html).toContain('<a href="http://img.example.com/b.png" rel="noopener noreferrer nofollow" class="remote-image">b</a>');
    expect(html).toContain('<a href="https://tracker.example/p.gif" rel="noopener noreferrer nofollow" class="remote-image">https://tracker.example/p.gif</a>');
    // Without the setting, no other host at all.
    expect(renderMarkdown(body, env({ attachmentUrl: () => '/x' })).match(/<img src="https:/g)).toBeNull();
  });

  it('links to the page\'s own files by name with attachment:', () => {
    const html = renderMarkdown('![shot](attachment:screen.png) [log](attachment:missing.txt)', env({ attachmentUrl: (n) => (n === 'screen.png' ? '/api/v1/kb/pages/p/attachments/a' : undefined) }));
    expect(html).toContain('<img src="/api/v1/kb/pages/p/attachments/a" alt="shot" />');
    expect(html).toContain('<a href="#" rel="noopener noreferrer nofollow">log</a>');
  });
});

describe('[[links]]', () => {
  it('reads the title, the shown text and another space\'s key', () => {
    expect(parseWikiLink('Printer  problems ')).toEqual({ spaceKey: null, title: 'Printer problems', label: null });
    expect(parseWikiLink('Printer problems|see here')).toEqual({ spaceKey: null, title: 'Printer problems', label: 'see here' });
    expect(parseWikiLink('help:Reset your password')).toEqual({ spaceKey: 'help', title: 'Reset your password', label: null });
    expect(parseWikiLink('Note: read this')).toEqual({ spaceKey: null, title: 'Note: read this', label: null });
    expect(parseWikiLink('   ')).toBeNull();
    expect(parseWikiLink('a\nb')).toBeNull();
  });

  it('are found in text but not in code', () => {
    expect(extractLinks('See [[A]], [[help:B|b]] and `[[not a link]]`.\n\n    [[indented code]]\n\n```\n[[fenced]]\n```\n[[C]]').map((l) => l.title)).toEqual(['A', 'B', 'C']);
  });

  it('render to the target\'s current title, as plain text when hidden, as wanted when missing', () => {
    const html = renderMarkdown('[[Old title]] [[Old title|own words]] [[Secret]] [[Missing]]', env({
      resolveLink: (l) => (l.title === 'Old title' ? { kind: 'page', id: 'p1', title: 'New title' } : l.title === 'Secret' ? { kind: 'hidden' } : { kind: 'wanted', spaceId: 's1' }),
    }));
    expect(html).toContain('<a class="wikilink" href="/kb/p1" rel="noopener noreferrer nofollow">New title</a>');
    expect(html).toContain('>own words</a>');
    expect(html).toContain('<span class="wikilink">Secret</span>');
    expect(html).toContain('<a class="wikilink wanted" href="/kb/new?space=s1&amp;title=Missing" rel="noopener noreferrer nofollow">Missing</a>');
  });

  it('compare titles case-insensitively, Cyrillic too, ё as е', () => {
    expect(titleKey('  Настройка   ПРИНТЕРА ')).toBe('настройка принтера');
    expect(titleKey('Учётная запись')).toBe(titleKey('учетная ЗАПИСЬ'));
  });
});

describe('plain text', () => {
  it('keeps the words without markup, scripts or styles', () => {
    expect(plainText('# Title\n\nSee **bold** and [[Page|the page]].\n\n<div>A &amp; B<script>evil()</script></div>\n\n```\ncode here\n```')).toBe('Title\nSee bold and the page.\nA & B\ncode here');
  });
});
