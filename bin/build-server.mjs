// Compiles src/ into dist/ (plain JavaScript, one file per module; tests left out) when dist/ is
// missing or older than its sources, like web/build-if-stale.mjs does for the web app. bin/tierdesk
// runs it before every start, so a fresh clone runs after `npm ci`; `npm run build:server` runs it alone.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
// Written last by a build, with the time the build started: sources changed since are newer.
const stamp = path.join(dist, '.built');
const lock = path.join(root, '.dist.lock');
const sources = ['src', 'tsconfig.json', 'package-lock.json', 'bin/build-server.mjs'].map((p) => path.join(root, p));
const compiled = (f) => f.endsWith('.ts') && !f.endsWith('.test.ts');

/** The newest modification time under a path (a folder's own counts: it changes when a file goes). */
function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const s = fs.statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

const fresh = () => (fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0) >= Math.max(...sources.map(newest));

/** Takes the build lock (one build at a time when several processes start at once); false when another holds it. */
function tryLock() {
  try {
    fs.closeSync(fs.openSync(lock, 'wx'));
    return true;
  } catch (err) {
    if (err.code === 'EROFS' || err.code === 'EACCES')
      throw new Error(`The compiled server (${dist}) is out of date and this user may not write there: run \`npm run build:server\` as its owner.`);
    if (err.code !== 'EEXIST') throw err;
    // A lock left by a build that was killed: builds take seconds.
    if (Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 120_000) fs.rmSync(lock, { force: true });
    return false;
  }
}

async function build() {
  const started = new Date();
  const temp = path.join(root, `.dist-${process.pid}`);
  const esbuild = await import('esbuild');
  const src = path.join(root, 'src');
  await esbuild.build({
    entryPoints: fs.readdirSync(src, { recursive: true }).filter(compiled).map((f) => path.join(src, f)),
    outdir: temp,
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  await esbuild.stop();
  fs.writeFileSync(path.join(temp, '.built'), '');
  fs.utimesSync(path.join(temp, '.built'), started, started);
  // Moved into place whole (the old one moved aside first, then removed), so that a process starting
  // meanwhile never finds half a build.
  const old = `${temp}-old`;
  if (fs.existsSync(dist)) fs.renameSync(dist, old);
  fs.renameSync(temp, dist);
  fs.rmSync(old, { recursive: true, force: true });
}

/** Compiles unless dist/ is up to date; waits for a build another process has under way. */
export async function compileIfStale() {
  while (!fresh()) {
    if (!tryLock()) {
      await setTimeout(200);
      continue;
    }
    try {
      if (!fresh()) {
        process.stderr.write('Compiling the server (src/ → dist/)…\n');
        await build();
      }
    } finally {
      fs.rmSync(lock, { force: true });
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await compileIfStale();
