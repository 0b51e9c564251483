/**
 * The web app's production bundle, for `npm run bench`: built into a temporary folder, then sized —
 * everything, and what the light first screens (sign-in, the requester's list) load: the entry with
 * its imports and the larger of the two string tables (Russian) — raw and gzipped, against the
 * requester's phone budget of issue 13 (≤ 250 KB, ≤ 80 KB gzipped). e2e/light-portal.e2e.test.ts
 * checks the same in Chromium, counting every script fetched.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

/** The requester's phone budget for the light screens' JavaScript (issue 13). */
const LIMIT = { raw: 250_000, gzip: 80_000 };

const sizes = (dir: string, files: string[]) => {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const data = fs.readFileSync(path.join(dir, f));
    raw += data.length;
    gzip += zlib.gzipSync(data, { level: 9 }).length;
  }
  return { files: files.length, rawBytes: raw, gzipBytes: gzip };
};

/** Builds the bundle and reports its sizes as JSON objects (one per measurement). */
export async function benchWebBundle(): Promise<object[]> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-web-bench-'));
  try {
    await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true, manifest: true } });
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
    const all = fs.readdirSync(path.join(outDir, 'assets')).map((f) => `assets/${f}`);
    const js = all.filter((f) => f.endsWith('.js'));
    const css = all.filter((f) => f.endsWith('.css'));

    // The light first screens: the entry with its static imports, and a language's strings (the larger).
    const first = new Set<string>();
    const visit = (key: string) => {
      const c = manifest[key];
      if (!c || first.has(c.file)) return;
      first.add(c.file);
      for (const s of c.css ?? []) first.add(s);
      for (const i of c.imports ?? []) visit(i);
    };
    const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
    visit(entry);
    const strings = Object.keys(manifest).filter((k) => k.includes('virtual:light-strings/'));
    const larger = strings.sort((a, b) => fs.statSync(path.join(outDir, manifest[b]!.file)).size - fs.statSync(path.join(outDir, manifest[a]!.file)).size)[0];
    if (larger) visit(larger);
    const firstFiles = [...first];
    const firstJs = sizes(outDir, firstFiles.filter((f) => f.endsWith('.js')));
    const largest = js.map((f) => ({ f, n: fs.statSync(path.join(outDir, f)).size })).sort((a, b) => b.n - a.n)[0]!;

    return [
      { name: 'web bundle: total JavaScript', ...sizes(outDir, js) },
      { name: 'web bundle: total CSS', ...sizes(outDir, css) },
      { name: "web bundle: light first screens (sign-in, requester's list) JavaScript", ...firstJs, targetRawBytes: LIMIT.raw, targetGzipBytes: LIMIT.gzip, met: firstJs.rawBytes <= LIMIT.raw && firstJs.gzipBytes <= LIMIT.gzip },
      { name: "web bundle: light first screens (sign-in, requester's list) CSS", ...sizes(outDir, firstFiles.filter((f) => f.endsWith('.css'))) },
      { name: `web bundle: largest chunk (${path.basename(largest.f)})`, ...sizes(outDir, [largest.f]) },
    ];
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}
