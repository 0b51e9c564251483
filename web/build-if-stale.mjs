// `npm start` runs this first: builds the web app (vite build → web/dist) when the bundle is missing
// or older than its sources, so a fresh clone serves the app at the printed URL after `npm ci`.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'web/dist/index.html');
const sources = ['web/src', 'web/index.html', 'web/public', 'vite.config.ts', 'src/contracts', 'package-lock.json'].map((p) => path.join(root, p));

/** The newest modification time under a path. */
function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const s = fs.statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

const bundle = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
if (bundle && bundle >= Math.max(...sources.map(newest))) process.exit(0);
process.stdout.write(bundle ? 'The web app changed since it was built; building it…\n' : 'Building the web app (first start)…\n');
// Built beside and then moved into place, so that a server starting meanwhile never finds half a bundle.
const vite = path.join(root, 'node_modules/vite/bin/vite.js');
const temp = `.dist-${process.pid}`;
// Always the production bundle, also when started from a test runner (which sets NODE_ENV=test, and
// Vite would then build React's development version): the tests see what people run.
const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', temp, '--emptyOutDir'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
});
if (r.status !== 0) {
  fs.rmSync(path.join(root, 'web', temp), { recursive: true, force: true });
  process.exit(r.status ?? 1);
}
fs.rmSync(path.join(root, 'web/dist'), { recursive: true, force: true });
try {
  fs.renameSync(path.join(root, 'web', temp), path.join(root, 'web/dist'));
} catch (e) {
  // Another start (a parallel test file) built the same sources and moved its bundle in first: keep that one.
  fs.rmSync(path.join(root, 'web', temp), { recursive: true, force: true });
  if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
}
