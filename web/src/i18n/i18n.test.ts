import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { ru } from './ru';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every key path of a strings object, with its value. */
function flatten(o: object, prefix = ''): [string, string][] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : flatten(v as object, `${prefix}${k}.`)));
}

/** The stable error codes the server can answer with (its Conflict codes and the general ones). */
function serverErrorCodes(): string[] {
  const codes = new Set(['validation_failed', 'not_found', 'forbidden', 'unauthorized', 'invalid', 'too_many_requests', 'internal_error', 'bad_request', 'conflict']);
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [path.join(dir, d.name)] : []));
  for (const file of walk(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/new Conflict\(\s*(?:`[^`]*`|'(?:[^'\\]|\\.)*'|"[^"]*")\s*,\s*'([a-z_]+)'/g)) codes.add(m[1]!);
  }
  return [...codes].sort();
}

describe('the interface strings', () => {
  it('exist in English and Russian alike, none empty, with the same placeholders', () => {
    const [e, r] = [new Map(flatten(en)), new Map(flatten(ru))];
    expect([...r.keys()].sort()).toEqual([...e.keys()].sort());
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of e) {
      expect(v.trim(), k).not.toBe('');
      expect(r.get(k)!.trim(), k).not.toBe('');
      expect(vars(r.get(k)!), k).toEqual(vars(v));
    }
  });

  it('translate every error code the API answers with', () => {
    const codes = serverErrorCodes();
    expect(codes).toContain('version_conflict');
    const missing = codes.filter((c) => !(c in en.errors) || !(c in ru.errors));
    expect(missing).toEqual([]);
  });
});
