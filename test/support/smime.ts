import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A message signed with S/MIME as a mail client signs it (multipart/signed, detached
 * application/x-pkcs7-signature), by OpenSSL with a self-signed certificate made for the test.
 */
export function smimeSigned(h: { from: string; name: string; subject: string }, body: string): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smime-'));
  try {
    const run = (args: string[], input?: Buffer) => {
      const r = spawnSync('openssl', args, { cwd: dir, input });
      if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr.toString()}`);
      return r.stdout;
    };
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${h.name}/emailAddress=${h.from}`, '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '3650']);
    const part = Buffer.from(`Content-Type: text/plain; charset=utf-8\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}`);
    const signed = run(['smime', '-sign', '-signer', 'cert.pem', '-inkey', 'key.pem', '-from', h.from, '-to', 'support@desk.test', '-subject', h.subject], part);
    return Buffer.from(signed.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
