import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'bin/tierdesk');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-key-'));
const keyFile = path.join(dataDir, 'secret.key');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Runs the CLI on the SQLite data folder, as an operator would. */
const run = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(cli, args, {
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', TEST_DATABASE_URL: '', LOG_LEVEL: 'warn', TIERDESK_SECRET_KEY: '', TIERDESK_NEW_SECRET_KEY: '', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const keyId = (hex: string) => crypto.createHash('sha256').update(Buffer.from(hex.trim(), 'hex')).digest('hex').slice(0, 8);

describe('the secret key from the command line', () => {
  it('makes DATA_DIR/secret.key (0600) on first start, and seals the demo PBX secret with it', () => {
    expect(run(['seed-demo'])).toMatchObject({ code: 0 });
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
  }, 240_000);

  it('refuses to start with a key that does not open the stored secrets, or is not a key', () => {
    const wrong = crypto.randomBytes(32).toString('hex');
    const r = run(['migrate'], { TIERDESK_SECRET_KEY: wrong });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`were sealed with key ${keyId(fs.readFileSync(keyFile, 'utf8'))}, but the key in use is ${keyId(wrong)}`);
    const bad = run(['migrate'], { TIERDESK_SECRET_KEY: 'not-a-key' });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('TIERDESK_SECRET_KEY: must be 32 bytes');
  }, 240_000);

  it('rotate-secret-key re-seals with a new key in the key file; the app starts with it', () => {
    const before = fs.readFileSync(keyFile, 'utf8').trim();
    const r = run(['rotate-secret-key']);
    expect(r.code, r.err).toBe(0);
    const after = fs.readFileSync(keyFile, 'utf8').trim();
    expect(after).not.toBe(before);
    expect(r.out).toContain(`stored secrets: key ${keyId(before)} → key ${keyId(after)}`);
    expect(fs.existsSync(`${keyFile}.new`)).toBe(false);
    expect(run(['migrate'])).toMatchObject({ code: 0 });
    expect(run(['migrate'], { TIERDESK_SECRET_KEY: before }).code).toBe(2);
  }, 240_000);
});
