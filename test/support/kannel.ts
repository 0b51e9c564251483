import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, portOpen } from './ports.js';

/**
 * A private Kannel for tests: bearerbox and smsbox with their own configuration in a temporary
 * folder, on free loopback ports, and Kannel's fake SMSC client (`fakesmsc`, from kannel-extras)
 * standing in for the phones. Two fake SMSC links: `inject` carries the SMS that tests send from a
 * phone (one fakesmsc per message, as the fake link takes one client at a time) and never gets
 * outgoing SMS; `phones` is a fakesmsc that stays connected and prints every SMS it receives.
 * Both fake links accept connections from 127.0.0.1 only.
 */
export const BEARERBOX = '/usr/sbin/bearerbox';
export const SMSBOX = '/usr/sbin/smsbox';
export const FAKESMSC = '/usr/lib/kannel/test/fakesmsc';
const kannelInstalled = () => [BEARERBOX, SMSBOX, FAKESMSC].every((p) => fs.existsSync(p));

/** Kannel and its fake SMSC, installed from Debian's packages when missing (as root, like CI does). */
export function ensureKannel() {
  if (kannelInstalled()) return;
  if (process.getuid?.() !== 0) throw new Error('Kannel is not installed: apt-get install kannel kannel-extras (as root)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { env, encoding: 'utf8' });
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'kannel', 'kannel-extras'], { env, encoding: 'utf8' });
  if (install.status !== 0 || !kannelInstalled()) throw new Error(`Installing kannel failed:\n${update.stderr}\n${install.stderr}`);
}

/** An SMS as the fake SMSC received it: concatenated parts put together in their order. */
export interface ReceivedSms {
  from: string;
  to: string;
  text: string;
  parts: number;
}

export interface Kannel {
  sendsmsUrl: string;
  username: string;
  password: string;
  dir: string;
  /** Sends an SMS from a phone: it reaches smsbox's sms-service, which calls `getUrl`. */
  inject(from: string, to: string, text: string): Promise<void>;
  /** What the phones received so far. */
  received(): ReceivedSms[];
  /** What the injecting link received (replies smsbox sent back to a phone): should stay empty. */
  repliesToInjected(): string[];
  /** Everything bearerbox and smsbox logged, for a failing test's message. */
  logs(): string;
  stop(): Promise<void>;
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 15_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Percent-encodes every byte (fakesmsc's "ucs2" and "data" message types). */
const percent = (b: Buffer) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('');
function unpercent(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(s[i] === '+' ? 0x20 : s.charCodeAt(i));
  }
  return Buffer.from(out);
}

/** A fakesmsc output line `<from to type [udh] data>` as the SMS part it shows. */
function parseLine(line: string): { from: string; to: string; udh: Buffer | null; bytes: Buffer; ucs2: boolean } | null {
  const m = /Got message \d+: <(\S+) (\S+) (\S+) (.*)>$/.exec(line);
  if (!m) return null;
  const [, from, to, type, rest] = m as unknown as [string, string, string, string, string];
  if (type === 'text') return { from, to, udh: null, bytes: Buffer.from(rest, 'latin1'), ucs2: false };
  if (type === 'ucs-2' || type === 'ucs2') return { from, to, udh: null, bytes: unpercent(rest), ucs2: true };
  if (type === 'udh') {
    const [udh, kind, data] = rest.split(' ');
    const bytes = unpercent(data ?? '');
    // fakesmsc does not show the coding of a part: UCS-2 text has an even length and, in our texts,
    // the high bytes of Latin (00), Cyrillic (04) and punctuation such as … (20).
    const ucs2 = kind === 'data' && bytes.length % 2 === 0 && [...bytes].every((b, i) => i % 2 === 1 || b === 0x00 || b === 0x04 || b === 0x20);
    return { from, to, udh: unpercent(udh ?? ''), bytes, ucs2 };
  }
  return { from, to, udh: null, bytes: unpercent(rest), ucs2: false };
}

/** Puts concatenated parts together (UDH IE 00: reference, total, sequence), in sequence order. */
function assemble(lines: string[]): ReceivedSms[] {
  const out: ReceivedSms[] = [];
  const groups = new Map<string, { from: string; to: string; total: number; ucs2: boolean; parts: Map<number, Buffer> }>();
  for (const line of lines) {
    const p = parseLine(line);
    if (!p) continue;
    if (!p.udh || p.udh[1] !== 0x00) {
      out.push({ from: p.from, to: p.to, text: p.ucs2 ? new TextDecoder('utf-16be').decode(p.bytes) : p.bytes.toString('latin1'), parts: 1 });
      continue;
    }
    const [ref, total, seq] = [p.udh[3]!, p.udh[4]!, p.udh[5]!];
    const key = `${p.from} ${p.to} ${ref}`;
    const g = groups.get(key) ?? { from: p.from, to: p.to, total, ucs2: p.ucs2, parts: new Map() };
    g.parts.set(seq, p.bytes);
    groups.set(key, g);
    if (g.parts.size === g.total) {
      const bytes = Buffer.concat([...g.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b));
      out.push({ from: g.from, to: g.to, text: g.ucs2 ? new TextDecoder('utf-16be').decode(bytes) : bytes.toString('latin1'), parts: g.total });
      groups.delete(key);
    }
  }
  return out;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts bearerbox, smsbox and the phones' fakesmsc; smsbox's sms-service calls `getUrl` for each inbound SMS. */
export async function startKannel(getUrl: string): Promise<Kannel> {
  ensureKannel();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-kannel-'));
  const [admin, box, inject, phones, sendsms] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const username = 'tierdesk';
  const password = 'sendsms-secret';
  const conf = path.join(dir, 'kannel.conf');
  fs.writeFileSync(
    conf,
    `group = core
admin-port = ${admin}
admin-password = admin-secret
admin-interface = 127.0.0.1
admin-allow-ip = 127.0.0.1
smsbox-port = ${box}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "${dir}/bearerbox.log"
log-level = 1
dlr-storage = internal
sms-combine-concatenated-mo = true

group = smsc
smsc = fake
smsc-id = inject
port = ${inject}
connect-allow-ip = 127.0.0.1
allowed-smsc-id = inject

group = smsc
smsc = fake
smsc-id = phones
port = ${phones}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${box}
sendsms-port = ${sendsms}
sendsms-interface = 127.0.0.1
log-file = "${dir}/smsbox.log"
log-level = 1
mo-recode = false

group = sendsms-user
username = ${username}
password = ${password}
user-allow-ip = 127.0.0.1
max-messages = 10
concatenation = true

group = sms-service
keyword = default
catch-all = true
get-url = "${getUrl}"
max-messages = 0
omit-empty = true
accept-x-kannel-headers = false
`,
  );
  const children: ChildProcess[] = [];
  const run = (bin: string, args: string[]) => {
    const c = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(c);
    return c;
  };
  const collect = (c: ChildProcess) => {
    const lines: string[] = [];
    let buf = '';
    const take = (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      const all = buf.split('\n');
      buf = all.pop()!;
      lines.push(...all);
    };
    c.stdout!.on('data', take);
    c.stderr!.on('data', take);
    return lines;
  };

  const bearerbox = run(BEARERBOX, ['-v', '1', conf]);
  collect(bearerbox);
  await waitFor('bearerbox', async () => (await portOpen(admin)) && (await portOpen(phones)));
  const phoneLines = collect(run(FAKESMSC, ['-H', '127.0.0.1', '-r', String(phones), '-m', '0', '0 0 text nothing']));
  const smsbox = run(SMSBOX, ['-v', '1', conf]);
  collect(smsbox);
  await waitFor('smsbox', () => portOpen(sendsms));

  const injected: string[][] = [];
  let injector: ChildProcess | null = null;
  const logs = () => ['bearerbox.log', 'smsbox.log'].map((f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '')).join('\n');

  return {
    sendsmsUrl: `http://127.0.0.1:${sendsms}/cgi-bin/sendsms`,
    username,
    password,
    dir,
    async inject(from, to, text) {
      // The fake link serves one client at a time: the previous phone hangs up first.
      if (injector) await stopChild(injector);
      const plain = /^[\x20-\x7e]*$/.test(text);
      const msg = `${from} ${to} ${plain ? 'text' : 'ucs2'} ${plain ? text : percent(Buffer.from(text, 'utf16le').swap16())}`;
      injector = run(FAKESMSC, ['-H', '127.0.0.1', '-r', String(inject), '-i', '0.1', '-m', '1', msg]);
      const lines = collect(injector);
      injected.push(lines);
      await waitFor('fakesmsc to send the message', () => lines.some((l) => l.includes('sent message 1')));
    },
    received: () => assemble(phoneLines),
    repliesToInjected: () => injected.flat().filter((l) => l.includes('Got message')),
    logs,
    async stop() {
      for (const c of [...children].reverse()) await stopChild(c);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
