import MarkdownIt, { type StateInline, type Token } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown as the knowledge base writes it: CommonMark with tables and raw HTML, `[[Page title]]`
 * links between pages (`[[Title|shown text]]`, `[[space-key:Title]]` for another space) and
 * `attachment:file.png` for a page's own files. The HTML is always sanitized on the server with an
 * allow-list, so no script can run from a page whatever was written in it.
 */

/** A `[[…]]` link as written: the space key (null: the page's own space), the title, the text shown. */
export interface WikiLink {
  spaceKey: string | null;
  title: string;
  label: string | null;
}

/**
 * What a link points at, as the reader may see it: a page; something the reader may not follow
 * (shown as plain text); or no page yet (a wanted page, to be made in that space if known).
 */
export type LinkTarget = { kind: 'page'; id: string; title: string } | { kind: 'hidden' } | { kind: 'wanted'; spaceId: string | null };

/** What rendering needs to know besides the text: where links and attachments go. */
export interface RenderEnv {
  resolveLink(link: WikiLink): LinkTarget;
  /** The URL of one of the page's attachments by file name, or undefined. */
  attachmentUrl(filename: string): string | undefined;
  /** Hosts whose images may be shown (KB_IMAGE_HOSTS); an image from any other host becomes a link. */
  imageHosts?: readonly string[];
}

const SPACE_KEY = /^[a-z0-9][a-z0-9-]{0,39}$/;
const MAX_LINK = 300;

/** The parts of the text between `[[` and `]]`, or null when it is no link. */
export function parseWikiLink(inner: string): WikiLink | null {
  if (!inner.trim() || inner.length > MAX_LINK || /[[\]\n\r]/.test(inner)) return null;
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1).trim() || null : null;
  const colon = target.indexOf(':');
  const key = colon > 0 ? target.slice(0, colon).trim() : '';
  const hasSpace = SPACE_KEY.test(key);
  const title = normalizeTitle(hasSpace ? target.slice(colon + 1) : target);
  if (!title) return null;
  return { spaceKey: hasSpace ? key : null, title, label };
}

/** A title as stored and shown: trimmed, inner runs of white space as one space. */
export const normalizeTitle = (title: string): string => title.replace(/\s+/g, ' ').trim();

/** The key titles are compared by: case-insensitive (Cyrillic too), ё as е. */
export const titleKey = (title: string): string => normalizeTitle(title).toLowerCase().replaceAll('ё', 'е');

function wikiLinkRule(state: StateInline, silent: boolean): boolean {
  const { src, pos } = state;
  if (src.charCodeAt(pos) !== 0x5b || src.charCodeAt(pos + 1) !== 0x5b) return false;
  const end = src.indexOf(']]', pos + 2);
  if (end < 0) return false;
  const link = parseWikiLink(src.slice(pos + 2, end));
  if (!link) return false;
  if (!silent) {
    const token = state.push('wikilink', '', 0);
    token.meta = { link };
  }
  state.pos = end + 2;
  return true;
}

/** The link a `wikilink` token stands for. */
const linkOf = (t: Token): WikiLink => (t.meta as { link: WikiLink }).link;

const md = new MarkdownIt({ html: true, linkify: true, typographer: false });
md.inline.ruler.before('link', 'wikilink', wikiLinkRule);

const escape = (s: string) => md.utils.escapeHtml(s);

md.renderer.rules.wikilink = (tokens, idx, _options, env) => {
  const link = linkOf(tokens[idx]!);
  const target = (env as unknown as RenderEnv).resolveLink(link);
  // The web app's addresses: /kb/{page id}, and /kb/new?space={space id}&title=… to write a missing page.
  if (target.kind === 'page') return `<a class="wikilink" href="/kb/${encodeURIComponent(target.id)}">${escape(link.label ?? target.title)}</a>`;
  if (target.kind === 'hidden') return `<span class="wikilink">${escape(link.label ?? link.title)}</span>`;
  const query = new URLSearchParams({ ...(target.spaceId && { space: target.spaceId }), title: link.title });
  return `<a class="wikilink wanted" href="/kb/new?${escape(query.toString())}">${escape(link.label ?? link.title)}</a>`;
};

/** A file name as written in a URL (%20 for a space); as it is when that is no valid encoding. */
function decodeName(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// `attachment:name` in a link or an image becomes the URL of the page's file of that name.
md.core.ruler.push('attachments', (state) => {
  const env = state.env as unknown as RenderEnv | undefined;
  if (!env?.attachmentUrl) return;
  const visit = (tokens: Token[] | null) => {
    for (const t of tokens ?? []) {
      for (const attr of ['href', 'src'] as const) {
        const value = String(t.attrGet(attr) ?? '');
        if (value.startsWith('attachment:')) t.attrSet(attr, env.attachmentUrl(decodeName(value.slice('attachment:'.length))) ?? '#');
      }
      visit(t.children);
    }
  };
  visit(state.tokens);
});

const ALIGN = { 'text-align': [/^(left|right|center)$/] };

/** The allow-list: formatting, links, images, tables; no scripts, frames, forms, styles or event handlers. */
export const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'b', 'i', 'del', 's',
    'sub', 'sup', 'kbd', 'mark', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'class', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['style'],
    td: ['style'],
    ol: ['start'],
    code: ['class'],
    span: ['class'],
  },
  allowedClasses: { a: ['wikilink', 'wanted'], span: ['wikilink'], code: ['language-*'] },
  allowedStyles: { th: ALIGN, td: ALIGN },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Links to elsewhere must not hand this page to the other site (window.opener, Referer).
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }) },
};

/** Whether an image address is the app's own (a path) or on an allowed host (https only). */
function imageAllowed(src: string, hosts: readonly string[]): boolean {
  if (src.startsWith('/') && !src.startsWith('//')) return true;
  try {
    const url = new URL(src);
    return url.protocol === 'https:' && hosts.includes(url.host.toLowerCase());
  } catch {
    return false;
  }
}

/**
 * Sanitizes HTML with the knowledge base's allow-list. An image from another site would tell that
 * site who reads the page and when: unless its host is allowed, it becomes a link to it (followed
 * only when clicked), the alternative text its words.
 */
export function sanitize(html: string, imageHosts: readonly string[] = []): string {
  return sanitizeHtml(html, {
    ...SANITIZE,
    transformTags: {
      ...SANITIZE.transformTags,
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        if (imageAllowed(src, imageHosts)) return { tagName, attribs };
        return { tagName: 'a', attribs: { href: src, rel: 'noopener noreferrer nofollow', class: 'remote-image' }, text: attribs.alt || attribs.title || src };
      },
    },
    allowedClasses: { ...SANITIZE.allowedClasses, a: [...(SANITIZE.allowedClasses!.a as string[]), 'remote-image'] },
  });
}

/** A page's Markdown as safe HTML for one reader (links resolved as that reader may see them). */
export function renderMarkdown(body: string, env: RenderEnv): string {
  return sanitize(md.render(body, env as unknown as Record<string, unknown>), env.imageHosts);
}

/** Every `[[…]]` link of a text, in order; links inside code are not links. */
export function extractLinks(body: string): WikiLink[] {
  const out: WikiLink[] = [];
  const visit = (tokens: Token[] | null) => {
    for (const t of tokens ?? []) {
      if (t.type === 'wikilink') out.push(linkOf(t));
      visit(t.children);
    }
  };
  visit(md.parse(body, {}));
  return out;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The text of an HTML fragment, without tags (nor the content of scripts and styles). */
const htmlText = (html: string) =>
  sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

/** The readable text of a Markdown body, without markup: what search indexes and snippets quote. */
export function plainText(body: string): string {
  const inline = (children: Token[] | null): string =>
    (children ?? [])
      .map((t) => {
        if (t.type === 'text' || t.type === 'code_inline') return t.content;
        if (t.type === 'html_inline') return '';
        if (t.type === 'wikilink') return linkOf(t).label ?? linkOf(t).title;
        if (t.type === 'image') return t.content;
        if (t.type === 'softbreak' || t.type === 'hardbreak') return '\n';
        return '';
      })
      .join('');
  const blocks: string[] = [];
  for (const t of md.parse(body, {})) {
    if (t.type === 'inline') blocks.push(inline(t.children));
    else if (t.type === 'code_block' || t.type === 'fence') blocks.push(t.content);
    else if (t.type === 'html_block') blocks.push(htmlText(t.content));
  }
  return blocks
    .map((b) => b.replace(/[ \t]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}
