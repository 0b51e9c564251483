import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * bin/tierdesk caps V8's old generation for the server processes (all, serve, worker), so that a
 * server collects its garbage before it doubles its memory (README: Lean processes). Checked with a
 * stand-in `node` first on the PATH that prints the arguments it was given.
 */
const root = path.resolve(__dirname, '../..');
const fakeBin = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-node-args-'));
afterAll(() => fs.rmSync(fakeBin, { recursive: true, force: true }));
fs.writeFileSync(path.join(fakeBin, 'node'), '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });

function nodeArgs(args: string[], env: Record<string, string> = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, PATH: `${fakeBin}${path.delimiter}${process.env.PATH}` };
  delete base.NODE_OPTIONS;
  delete base.TIERDESK_MAX_OLD_SPACE_MIB;
  const r = spawnSync(path.join(root, 'bin/tierdesk'), args, { encoding: 'utf8', env: { ...base, ...env } });
  return { status: r.status, stderr: r.stderr, args: r.stdout.split('\n').filter(Boolean) };
}
const script = path.join(root, 'bin/run.mjs');

describe('the old generation cap of bin/tierdesk', () => {
  it('is 1024 MiB for the server processes, all being the default command', () => {
    for (const args of [['all'], ['serve'], ['worker'], []]) expect(nodeArgs(args).args).toEqual(['--max-old-space-size=1024', script, ...args]);
  });

  it('is left out of the other commands', () => {
    for (const args of [['migrate'], ['backup', '--to', 'x'], ['--help']]) expect(nodeArgs(args).args).toEqual([script, ...args]);
  });

  it('follows TIERDESK_MAX_OLD_SPACE_MIB, 0 leaving V8 its own sizing', () => {
    expect(nodeArgs(['serve'], { TIERDESK_MAX_OLD_SPACE_MIB: '768' }).args).toEqual(['--max-old-space-size=768', script, 'serve']);
    expect(nodeArgs(['serve'], { TIERDESK_MAX_OLD_SPACE_MIB: '0' }).args).toEqual([script, 'serve']);
  });

  it('gives way to a --max-old-space-size in NODE_OPTIONS', () => {
    expect(nodeArgs(['all'], { NODE_OPTIONS: '--enable-source-maps --max-old-space-size=2048' }).args).toEqual([script, 'all']);
  });

  it('refuses a value that is not a whole number of MiB, naming it', () => {
    const r = nodeArgs(['all'], { TIERDESK_MAX_OLD_SPACE_MIB: '1g' });
    expect(r.status).toBe(2);
    expect(r.args).toEqual([]);
    expect(r.stderr).toContain("TIERDESK_MAX_OLD_SPACE_MIB must be a whole number of MiB (0: V8's own sizing), not '1g'");
  });
});
