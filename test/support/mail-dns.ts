import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { DnsResolver } from '../../src/modules/channels/email/transport/mail-auth.js';

/** Records a test publishes: name → type → answers (TXT answers are arrays of strings, as node gives them). */
export type Zone = Record<string, Partial<Record<'TXT' | 'A' | 'AAAA' | 'MX', unknown[]>>>;

/**
 * A DNS resolver answered from memory, for the mail authentication checks: a name not in the zone
 * does not exist (ENOTFOUND), a type it lacks has no data (ENODATA). Never touches the network.
 */
export function memoryResolver(zone: Zone = {}): DnsResolver & { zone: Zone } {
  const resolver = async (name: string, rrtype: string) => {
    const records = zone[name.toLowerCase().replace(/\.$/, '')];
    const fail = (code: string) => Promise.reject(Object.assign(new Error(`${code} ${name} ${rrtype}`), { code }));
    if (!records) return fail('ENOTFOUND');
    const answers = records[rrtype as keyof typeof records];
    return answers ? answers : fail('ENODATA');
  };
  return Object.assign(resolver, { zone });
}

/** A DKIM key pair: the private key to sign with, and the TXT record that publishes the public one. */
export function dkimKey() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  // TXT strings hold at most 255 characters each; a record is their concatenation.
  const chunks = `v=DKIM1; k=rsa; p=${p}`.match(/.{1,250}/g)!;
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), txt: [chunks] };
}

const require = createRequire(import.meta.url);
const { dkimSign } = require('mailauth/lib/dkim/sign.js') as {
  dkimSign(raw: Buffer, opts: object): Promise<{ signatures: string; errors: unknown[] }>;
};

/** The message with a DKIM-Signature of `domain` (selector `selector`) on top. */
export async function signDkim(raw: string | Buffer, domain: string, selector: string, privateKey: string): Promise<Buffer> {
  const message = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  const r = await dkimSign(message, { canonicalization: 'relaxed/relaxed', signatureData: [{ signingDomain: domain, selector, privateKey }] });
  if (!r.signatures) throw new Error(`DKIM signing failed: ${JSON.stringify(r.errors)}`);
  return Buffer.concat([Buffer.from(r.signatures), message]);
}

/** A self-signed certificate for `localhost` (openssl), in a temporary directory: its files and the PEM. */
export function selfSignedCertificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { certFile, keyFile, cert: fs.readFileSync(certFile), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
