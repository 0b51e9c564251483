import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { freePort, waitForPort } from './ports.js';

/**
 * A private Dovecot IMAP server for tests: its own configuration file, mail folders and password
 * file in a temporary folder, on a free loopback port, started as the test's user and stopped
 * after. The system's Dovecot (its configuration, its service) is never touched. Dovecot is
 * installed from Debian (`dovecot-imapd`) when missing and the tests run as root, as on CI.
 */
export interface Dovecot {
  host: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

const DOVECOT = ['/usr/sbin/dovecot', '/usr/bin/dovecot', '/usr/local/sbin/dovecot'];

/** The dovecot binary, installing Debian's dovecot-imapd first if it is missing. */
export function ensureDovecot(): string {
  const found = () => DOVECOT.find((p) => fs.existsSync(p));
  if (found()) return found()!;
  if (process.getuid?.() !== 0) throw new Error('Dovecot is not installed: apt-get install dovecot-imapd (as root)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { env, encoding: 'utf8' });
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'dovecot-imapd'], { env, encoding: 'utf8' });
  if (install.status !== 0 || !found()) throw new Error(`Installing dovecot-imapd failed:\n${update.stderr}\n${install.stderr}`);
  return found()!;
}

const idOf = (name: string, flag: '-u' | '-g') => {
  const r = spawnSync('id', [flag, name], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
};

/** Starts Dovecot with these IMAP users (plain passwords) and an empty mailbox each. */
export async function startDovecot(users: { user: string; password: string }[]): Promise<Dovecot> {
  const binary = ensureDovecot();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-dovecot-'));
  // Dovecot's own processes run as its unprivileged users and must reach the mail folders.
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const root = process.getuid?.() === 0;
  const me = os.userInfo();
  // As root the mail belongs to Dovecot's own user (Dovecot refuses uid 0); otherwise to us.
  const internal = root ? 'dovecot' : me.username;
  const login = root ? (idOf('dovenull', '-u') !== null ? 'dovenull' : 'dovecot') : me.username;
  const uid = root ? idOf('dovecot', '-u') : me.uid;
  const gid = root ? idOf('dovecot', '-g') : me.gid;
  if (uid === null || gid === null) throw new Error('The dovecot system user is missing; reinstall dovecot-core');
  const mail = path.join(dir, 'mail');
  fs.mkdirSync(mail, { mode: 0o755 });
  if (root) fs.chownSync(mail, uid, gid);
  fs.writeFileSync(path.join(dir, 'passwd'), users.map((u) => `${u.user}:{PLAIN}${u.password}::::::\n`).join(''));
  const log = path.join(dir, 'dovecot.log');
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(
    conf,
    `# A private test instance: nothing here reads or writes the system's Dovecot files.
instance_name = tierdesk-test-${port}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${log}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${internal}
default_internal_group = ${root ? 'dovecot' : (spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim() || me.username)}
default_login_user = ${login}
first_valid_uid = 0
mail_location = maildir:${mail}/%u
mail_fsync = never
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${mail}/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  const child = spawn(binary, ['-F', '-c', conf], { stdio: 'ignore' });
  try {
    await waitForPort(port, child, 'Dovecot', () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''));
  } catch (err) {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Dovecot for the tests of one `describe`. */
export function useDovecot(users: { user: string; password: string }[]) {
  const ctx = {} as Dovecot;
  beforeAll(async () => Object.assign(ctx, await startDovecot(users)), 300_000);
  afterAll(async () => ctx.stop?.());
  return ctx;
}
