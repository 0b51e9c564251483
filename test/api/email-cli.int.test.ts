import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config/config.js';
import { buildMessage, sendRaw } from '../support/email.js';

/** The fixed points acceptance tests rely on: SMTP_LISTEN_PORT turns the listener on, on 127.0.0.1. */

const root = path.resolve(__dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-email-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('the SMTP listener of `tierdesk all`', () => {
  it('is off by default, on 127.0.0.1 when SMTP_LISTEN_PORT is set, and refuses a bad port naming it', () => {
    expect(loadConfig({})).toMatchObject({ smtpListenPort: null, smtpListenHost: '127.0.0.1' });
    expect(loadConfig({ SMTP_LISTEN_PORT: '2525' })).toMatchObject({ smtpListenPort: 2525, smtpListenHost: '127.0.0.1' });
    expect(loadConfig({ SMTP_LISTEN_PORT: '2525', SMTP_LISTEN_HOST: '0.0.0.0' }).smtpListenHost).toBe('0.0.0.0');
    for (const [name, value] of [['SMTP_LISTEN_PORT', 'smtp'], ['SMTP_LISTEN_PORT', '70000'], ['EMAIL_SENDER_LIMIT', '0'], ['EMAIL_MAX_MESSAGE_BYTES', 'big']])
      expect(() => loadConfig({ [name!]: value })).toThrow(new RegExp(name!));
    expect(() => loadConfig({ SMTP_LISTEN_PORT: '-1' })).toThrow(ConfigError);
  });

  it('takes mail to the demo desk address into a request of the sender, answering 250 after commit', async () => {
    const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', SMTP_LISTEN_PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '', TEST_DATABASE_URL: '', SMTP_LISTEN_HOST: '' };
    const child = spawn(path.join(root, 'bin/tierdesk'), ['all'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    try {
      const { url, smtpHost, smtpPort } = await new Promise<{ url: string; smtpHost: string; smtpPort: number }>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += String(d);
          const http = /Tierdesk is running at (\S+)/.exec(out);
          const smtp = /Inbound mail \(SMTP\) is accepted at ([\d.]+):(\d+)/.exec(out);
          if (http && smtp) resolve({ url: http[1]!, smtpHost: smtp[1]!, smtpPort: Number(smtp[2]) });
        });
        child.stderr.on('data', (d) => (out += String(d)));
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(smtpHost).toBe('127.0.0.1');
      const raw = buildMessage({ from: 'Bob Smith <bob@client-b.test>', subject: 'Till receipt printer is out of paper', messageId: 'cli-1@client-b.test' }, 'Store 3 has no receipt paper left.');
      expect(await sendRaw(smtpPort, raw, { from: 'bob@client-b.test', to: ['support@desk.test'] })).toMatchObject({ ok: true, code: 250 });

      const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bob@client-b.test', password: 'tierdesk-demo' }) });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const list: any = await (await fetch(`${url}/api/v1/tickets?q=${encodeURIComponent('receipt printer')}`, { headers: { cookie } })).json();
      expect(list.items).toHaveLength(1);
      expect(list.items[0]).toMatchObject({ channel: 'email', subject: 'Till receipt printer is out of paper', organization: { name: 'Client B Retail' } });
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);
});
