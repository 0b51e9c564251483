import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * bin/tierdesk runs the compiled JavaScript in dist/, compiled on first use and again whenever the
 * sources change. Checked on a copy of the project (its own dist/), so that the other tests' processes
 * never see a build under way.
 */
const root = path.resolve(__dirname, '../..');
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-compiled-'));
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

for (const p of ['bin', 'src', 'package.json', 'package-lock.json', 'tsconfig.json']) fs.cpSync(path.join(root, p), path.join(copy, p), { recursive: true });
fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));

const cli = (...args: string[]) => spawnSync(path.join(copy, 'bin/tierdesk'), args, { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
const COMPILING = 'Compiling the server';

describe('the compiled server', () => {
  it('is compiled on first use, reused while the sources stay, compiled again when one changes', () => {
    const first = cli('--help');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain(COMPILING);
    expect(first.stdout).toContain('create-admin');
    // Plain JavaScript, no TypeScript loader; tests are not compiled.
    expect(fs.existsSync(path.join(copy, 'dist/main.js'))).toBe(true);
    expect(fs.existsSync(path.join(copy, 'dist/core/lazy.js'))).toBe(true);
    expect(fs.readdirSync(path.join(copy, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.test.js'))).toEqual([]);
    expect(fs.readFileSync(path.join(copy, 'bin/tierdesk'), 'utf8')).not.toContain('tsx');

    const again = cli('--help');
    expect(again.status).toBe(0);
    expect(again.stderr).not.toContain(COMPILING);

    // A changed source: its text shows in the next run.
    const main = path.join(copy, 'src/main.ts');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace('Usage: tierdesk <command>', 'Usage (changed): tierdesk <command>'));
    const changed = cli('--help');
    expect(changed.status, changed.stderr).toBe(0);
    expect(changed.stderr).toContain(COMPILING);
    expect(changed.stdout).toContain('Usage (changed): tierdesk');
  }, 120_000);

  it('is compiled once when several processes start together on stale sources, and each of them runs', async () => {
    // The last build as if it were older than the sources.
    const earlier = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(copy, 'dist/.built'), earlier, earlier);
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => {
        const child = spawn(path.join(copy, 'bin/tierdesk'), ['--help'], { env: { ...process.env, DATABASE_URL: '' } });
        let [out, err] = ['', ''];
        child.stdout.on('data', (d) => (out += String(d)));
        child.stderr.on('data', (d) => (err += String(d)));
        return new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.once('close', (code) => resolve({ code, out, err })));
      }),
    );
    for (const r of runs) {
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('create-admin');
    }
    expect(runs.filter((r) => r.err.includes(COMPILING))).toHaveLength(1);
  }, 120_000);
});
