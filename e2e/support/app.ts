import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Builds the web app as `npm start` does (only when missing or older than its sources). */
export function buildWebApp() {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'web/build-if-stale.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`web build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface RunningApp {
  url: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts Tierdesk as the quick start does (`bin/tierdesk all`, demo data) on a fresh SQLite data
 * folder and an ephemeral port, and resolves with the URL it prints.
 */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-e2e-'));
  const child: ChildProcess = spawn(path.join(ROOT, 'bin/tierdesk'), ['all'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '', TEST_DATABASE_URL: '', TIERDESK_DEMO: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += String(d);
      const m = /Tierdesk is running at (\S+)/.exec(out);
      if (m && out.includes('alice@client-a.test')) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`tierdesk exited with ${code}:\n${out}`)));
  });
  return {
    url,
    dataDir,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The e-mails the embedded transport wrote (DATA_DIR/mail/*.eml), oldest first: recipients and text. */
export async function mailbox(dataDir: string): Promise<{ to: string; text: string }[]> {
  const dir = path.join(dataDir, 'mail');
  if (!fs.existsSync(dir)) return [];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
  return Promise.all(
    files.map(async (f) => {
      const m = await simpleParser(fs.readFileSync(path.join(dir, f)));
      const to = [m.to ?? []].flat().map((a) => a.text).join(', ');
      return { to, text: m.text ?? '' };
    }),
  );
}
