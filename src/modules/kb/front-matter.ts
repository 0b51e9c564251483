/**
 * Markdown files with front matter, as a space is exported and imported: a `---` block of
 * `key: value` lines (values written as JSON, which is YAML too), then the body.
 */

export interface PageFile {
  title?: string;
  locale?: string;
  tags?: string[];
  parent?: string;
  template?: string;
  body: string;
}

const FIELDS = ['title', 'locale', 'tags', 'parent', 'template'] as const;

/** A page as a Markdown file with front matter. */
export function writePageFile(f: PageFile): string {
  const lines = FIELDS.filter((k) => f[k] !== undefined && f[k] !== null).map((k) => `${k}: ${JSON.stringify(f[k])}`);
  return `---\n${lines.join('\n')}\n---\n${f.body}`;
}

/** Reads a value: JSON when it parses, else the text itself (hand-written YAML such as `title: Printers`). */
function readValue(raw: string): unknown {
  const v = raw.trim();
  try {
    return JSON.parse(v);
  } catch {
    if (/^\[.*\]$/.test(v)) return v.slice(1, -1).split(',').map((s) => s.trim().replace(/^["']|["']$/g, '')).filter(Boolean);
    return v.replace(/^["']|["']$/g, '');
  }
}

/**
 * Reads a Markdown file. Without front matter (or a title in it), the first `# heading` is the title
 * and is taken out of the body; failing that, the file name.
 */
export function readPageFile(content: string, path: string): PageFile {
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const out: PageFile = { body: text };
  const m = /^---\n([\s\S]*?)\n---\n?/.exec(text);
  if (m) {
    out.body = text.slice(m[0].length);
    for (const line of m[1]!.split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim();
      const value = readValue(line.slice(colon + 1));
      if (key === 'tags') out.tags = (Array.isArray(value) ? value : [value]).map(String);
      else if ((FIELDS as readonly string[]).includes(key) && value !== null && value !== '') out[key as 'title' | 'locale' | 'parent' | 'template'] = String(value);
    }
  }
  if (!out.title) {
    const heading = /^#[ \t]+(.+?)[ \t#]*(?:\n|$)/.exec(out.body);
    if (heading) {
      out.title = heading[1]!.trim();
      out.body = out.body.slice(heading[0].length).replace(/^\n+/, '');
    } else out.title = (path.split('/').pop() ?? path).replace(/\.(md|markdown)$/i, '').replace(/[-_]+/g, ' ').trim();
  }
  return out;
}

/** A file name for a title: letters and digits (any script), dashes between words. */
export function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'page'
  );
}
