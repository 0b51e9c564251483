import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSealed, loadSecretKey, newSecretKeyText, parseSecretKey, secretBox, SecretKeyError } from './secrets.js';

describe('sealed secrets', () => {
  const key = parseSecretKey(newSecretKeyText());

  it('seals with AES-256-GCM: a fresh IV each time, the key id in the value, opened back', () => {
    const box = secretBox(key);
    const [a, b] = [box.seal('token-Ω-1'), box.seal('token-Ω-1')];
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^v1:${key.id}:[\\w-]{16}:[\\w-]+$`));
    expect(a).not.toContain('token');
    expect(isSealed(a)).toBe(true);
    expect(box.open(a)).toBe('token-Ω-1');
    expect(box.open(box.seal(''))).toBe('');
  });

  it('refuses, naming the keys, a value sealed with another key, an altered one, or plaintext', () => {
    const other = secretBox(parseSecretKey(newSecretKeyText()));
    const sealed = secretBox(key).seal('secret');
    expect(() => other.open(sealed)).toThrow(SecretKeyError);
    expect(() => other.open(sealed)).toThrow(`sealed with key ${key.id}, not with the key in use (${other.key.id})`);
    const data = sealed.split(':');
    const flipped = [...data.slice(0, 3), `${data[3]![0] === 'A' ? 'B' : 'A'}${data[3]!.slice(1)}`].join(':');
    expect(() => secretBox(key).open(flipped)).toThrow(/altered/);
    expect(() => secretBox(key).open('plain-secret')).toThrow(/not sealed/);
    // During a rotation a box may open what an older key sealed.
    expect(secretBox(other.key, [key]).open(sealed)).toBe('secret');
  });

  it('reads keys as hex or base64 of 32 bytes only', () => {
    const hex = newSecretKeyText();
    const b64 = Buffer.from(hex, 'hex').toString('base64');
    expect(parseSecretKey(b64).id).toBe(parseSecretKey(hex).id);
    expect(parseSecretKey(Buffer.from(hex, 'hex').toString('base64url')).id).toBe(parseSecretKey(hex).id);
    expect(() => parseSecretKey('abcd')).toThrow(/32 bytes/);
  });

  it('makes DATA_DIR/secret.key (0600) when no key is set, and keeps it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-key-unit-'));
    try {
      const first = loadSecretKey({ secretKey: null, dataDir: path.join(dir, 'data') });
      expect(first.source).toBe('file');
      expect(fs.statSync(first.file).mode & 0o777).toBe(0o600);
      expect(loadSecretKey({ secretKey: null, dataDir: path.join(dir, 'data') }).key.id).toBe(first.key.id);
      const fromEnv = loadSecretKey({ secretKey: newSecretKeyText(), dataDir: path.join(dir, 'data') });
      expect(fromEnv.source).toBe('env');
      expect(fromEnv.key.id).not.toBe(first.key.id);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
