import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { ru } from '../i18n/ru';
import { LIGHT_KEYS, pickStrings } from './keys';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The keys the light screens ask `t` for: literal ones whole, template ones up to their first `${`. */
function keysUsed(): string[] {
  const files = ['main.tsx', 'ui/sla-left.ts', ...fs.readdirSync(path.join(web, 'light')).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts')).map((f) => `light/${f}`)];
  return files.flatMap((f) => [...fs.readFileSync(path.join(web, f), 'utf8').matchAll(/\bt\(\s*['`]([a-zA-Z0-9_.]+)/g)].map((m) => m[1]!.replace(/\.$/, '')));
}

describe("the light portal's strings", () => {
  it('are picked alike from both languages', () => {
    expect(Object.keys(pickStrings(ru, LIGHT_KEYS)).sort()).toEqual(Object.keys(pickStrings(en, LIGHT_KEYS)).sort());
  });

  it('hold every key the light screens use', () => {
    const used = keysUsed();
    expect(used.length).toBeGreaterThan(10);
    const have = Object.keys(pickStrings(en, LIGHT_KEYS));
    expect(used.filter((k) => !have.some((h) => h === k || h.startsWith(`${k}.`) || h.startsWith(`${k}_`)))).toEqual([]);
  });

  it('say the wanted string is missing rather than show its key', () => {
    expect(() => pickStrings(en, ['auth.noSuchString'])).toThrow(/auth\.noSuchString/);
  });
});
