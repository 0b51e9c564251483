import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { freePort, waitForPort } from './ports.js';

/**
 * A private OpenLDAP server for tests: its own slapd.conf and mdb database in a temporary folder,
 * on a free loopback port, loaded with ldapadd and stopped after. The system's slapd (its
 * configuration, its service) is never touched. Installed from Debian (`slapd ldap-utils`) when
 * missing and the tests run as root, as on CI.
 */
export interface Slapd {
  url: string;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  dir: string;
  /** Runs ldapmodify (as the root DN) with this LDIF. */
  modify(ldif: string): void;
  stop(): Promise<void>;
}

const SLAPD = ['/usr/sbin/slapd', '/usr/local/sbin/slapd', '/usr/local/libexec/slapd'];
const MODULES = ['/usr/lib/ldap', '/usr/lib/x86_64-linux-gnu/ldap', '/usr/lib/aarch64-linux-gnu/ldap', '/usr/lib64/openldap', '/usr/local/libexec/openldap'];

/** The slapd binary, installing Debian's slapd and ldap-utils first if missing. */
export function ensureSlapd(): string {
  const found = () => (spawnSync('ldapadd', ['-VV'], { encoding: 'utf8' }).error ? undefined : SLAPD.find((p) => fs.existsSync(p)));
  if (found()) return found()!;
  if (process.getuid?.() !== 0) throw new Error('OpenLDAP is not installed: apt-get install slapd ldap-utils (as root)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { env, encoding: 'utf8' });
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'slapd', 'ldap-utils'], { env, encoding: 'utf8' });
  if (install.status !== 0 || !found()) throw new Error(`Installing slapd failed:\n${update.stderr}\n${install.stderr}`);
  return found()!;
}

/** Starts slapd with one mdb database under `suffix` (e.g. dc=client-c,dc=test), loaded with `ldif`. */
export async function startSlapd(suffix: string, ldif: string): Promise<Slapd> {
  const binary = ensureSlapd();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-slapd-'));
  const port = await freePort();
  const rootDn = `cn=admin,${suffix}`;
  const rootPassword = 'root-secret-for-tests';
  const modules = MODULES.find((m) => fs.existsSync(path.join(m, 'back_mdb.la')) || fs.existsSync(path.join(m, 'back_mdb.so')));
  const schema = ['/etc/ldap/schema', '/etc/openldap/schema'].find((s) => fs.existsSync(path.join(s, 'core.schema')));
  if (!schema) throw new Error('The OpenLDAP schema files are missing; reinstall slapd');
  fs.mkdirSync(path.join(dir, 'db'));
  const conf = path.join(dir, 'slapd.conf');
  fs.writeFileSync(
    conf,
    `# A private test instance: nothing here reads or writes the system's slapd files.
include ${schema}/core.schema
include ${schema}/cosine.schema
include ${schema}/nis.schema
include ${schema}/inetorgperson.schema
pidfile ${dir}/slapd.pid
${modules ? `modulepath ${modules}\nmoduleload back_mdb` : ''}
database mdb
maxsize 16777216
suffix "${suffix}"
rootdn "${rootDn}"
rootpw ${rootPassword}
directory ${dir}/db
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
`,
  );
  const url = `ldap://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(binary, ['-d', '0', '-h', `${url}/`, '-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const run = (tool: string, text: string, extra: string[] = []) => {
    const r = spawnSync(tool, ['-x', '-H', url, '-D', rootDn, '-w', rootPassword, ...extra], { input: text, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${tool} failed (${r.status}): ${r.stderr}${r.stdout}`);
  };
  try {
    await waitForPort(port, child, 'slapd', () => output);
    run('ldapadd', ldif);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, suffix, rootDn, rootPassword, dir, modify: (text) => run('ldapmodify', text), stop };
}

/** A slapd for the tests of one `describe`. */
export function useSlapd(suffix: string, ldif: string) {
  const ctx = {} as Slapd;
  beforeAll(async () => Object.assign(ctx, await startSlapd(suffix, ldif)), 300_000);
  afterAll(async () => ctx.stop?.());
  return ctx;
}
