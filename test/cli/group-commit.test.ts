import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Group commit on SQLite answers no create before its commit: a real `all` process takes a burst of
 * concurrent creates (joined into shared transactions) and is killed without warning (SIGKILL) in
 * the middle of it; every request it had answered 201 is in the database afterwards, whole (its
 * timeline, SLA clocks and audit entry committed with it).
 */

const cli = path.resolve(__dirname, '../../bin/tierdesk');
/** Concurrent clients: enough that every transaction is shared by several creates. */
const CLIENTS = 24;

describe('group commit on SQLite, killed mid-burst', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-group-commit-'));
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', TEST_DATABASE_URL: '', TIERDESK_DEMO: '0', LOG_LEVEL: 'warn', PORT: '0', LOGIN_RATE_LIMIT_PER_MINUTE: '10000' };
  let child: ChildProcess | undefined;

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged request', async () => {
    const seeded = spawnSync(cli, ['seed-demo'], { env, encoding: 'utf8' });
    expect(seeded.status, seeded.stderr).toBe(0);
    const proc = spawn(cli, ['all'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const exit = new Promise<string | null>((resolve) => proc.once('exit', (_code, signal) => resolve(signal)));
    let out = '';
    const base = await new Promise<string>((resolve, reject) => {
      const look = (d: Buffer) => {
        out += String(d);
        const m = /Tierdesk is running at (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      };
      proc.stdout!.on('data', look);
      proc.stderr!.on('data', (d) => (out += String(d)));
      void exit.then(() => reject(new Error(`tierdesk exited before it ran:\n${out}`)));
    });

    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@client-a.test', password: 'tierdesk-demo' }) });
    expect(login.status).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const made = await fetch(`${base}/api/v1/me/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'burst' }) });
    expect(made.status).toBe(201);
    const { token } = (await made.json()) as { token: string };

    // Each client creates requests one after another until the process is gone.
    const acked: string[] = [];
    let killed = false;
    const client = async (k: number) => {
      for (let i = 0; !killed; i++) {
        try {
          const res = await fetch(`${base}/api/v1/tickets`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ subject: `Burst ${k}.${i}`, description: 'Created while the process is killed' }),
          });
          const body = (await res.json()) as { id: string };
          if (res.status === 201) acked.push(body.id);
        } catch {
          return; // the process died under this call: not acknowledged
        }
      }
    };
    const burst = Promise.all(Array.from({ length: CLIENTS }, (_, k) => client(k)));
    // Killed while every client has a create in flight, after enough were answered.
    while (acked.length < 4 * CLIENTS) await new Promise((r) => setTimeout(r, 10));
    proc.kill('SIGKILL');
    killed = true;
    expect(await exit).toBe('SIGKILL');
    await burst;

    const db = new SQLite(path.join(dataDir, 'tierdesk.db'));
    try {
      const count = (q: string, id: string) => (db.prepare(q).get(id) as { n: number }).n;
      const lost = acked.filter((id) => count('select count(*) as n from tickets where id = ?', id) !== 1);
      expect(lost).toEqual([]);
      for (const id of acked) {
        expect(count(`select count(*) as n from timeline_entries where ticket_id = ? and event_type = 'created'`, id)).toBe(1);
        expect(count('select count(*) as n from sla_clocks where ticket_id = ?', id)).toBe(3);
        expect(count(`select count(*) as n from audit_log where entity_id = ? and action = 'created'`, id)).toBe(1);
      }
      expect(new Set(acked).size).toBe(acked.length);
    } finally {
      db.close();
    }
  }, 180_000);
});
