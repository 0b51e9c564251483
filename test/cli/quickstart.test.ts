import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/app.js';
import { loadConfig } from '../../src/core/config/config.js';
import { login } from '../../src/modules/identity/auth.service.js';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'bin/tierdesk');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Starts the CLI and resolves with the URL it prints once it is listening. */
function start(env: Record<string, string>) {
  const child = spawn(cli, ['all'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += String(d);
      const m = /Tierdesk is running at (\S+)/.exec(out);
      if (m && out.includes('alice@client-a.test')) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, url, output: () => out };
}

describe('the quick start', () => {
  it('starts on an empty data folder with demo data and prints the URL and demo logins', async () => {
    const { child, url, output } = start({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TEST_DATABASE_URL: '', DATABASE_URL: '' });
    try {
      const base = await url;
      expect(output()).toContain('tierdesk-demo');
      expect(output()).toContain('manager@demo.test');
      const health = await (await fetch(`${base}/api/v1/health`)).json();
      expect(health).toMatchObject({ status: 'ok', database: 'sqlite' });
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'l1@demo.test', password: 'tierdesk-demo' }),
      });
      expect(login.status).toBe(200);
      expect(fs.existsSync(path.join(dataDir, 'tierdesk.db'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  it('explains itself and refuses a bad configuration naming the variable', () => {
    const help = spawnSync(cli, ['--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('create-admin');
    const bad = spawnSync(cli, ['migrate'], { encoding: 'utf8', env: { ...process.env, PORT: 'x', DATABASE_URL: '' } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('PORT');
  }, 60_000);

  it('creates an administrator who can sign in', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-admin-'));
    try {
      const env = { ...process.env, DATA_DIR: dir, DATABASE_URL: '', TIERDESK_ADMIN_PASSWORD: 'a-long-secret-1' };
      const r = spawnSync(cli, ['create-admin', '--email', 'Root@Example.test', '--name', 'Root'], { encoding: 'utf8', env });
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('Administrator Root@Example.test created');
      const again = spawnSync(cli, ['create-admin', '--email', 'root@example.test', '--name', 'Root'], { encoding: 'utf8', env });
      expect(again.status).not.toBe(0);
      expect(again.stderr).toContain('already taken');
      const { app, close } = await openContext(loadConfig({ DATA_DIR: dir }));
      try {
        const signedIn = await login(app, 'root@example.test', 'a-long-secret-1');
        expect(signedIn.kind === 'session' && signedIn.actor.role).toBe('admin');
      } finally {
        await close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
