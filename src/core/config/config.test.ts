import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to SQLite under ./data on port 3000 with demo data', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.databaseUrl).toBe(`sqlite:${path.resolve('./data/tierdesk.db')}`);
    expect(c.demo).toBe(true);
    expect(c.publicUrl).toBe('http://127.0.0.1:3000');
  });

  it('takes PostgreSQL from DATABASE_URL and turns the demo off with TIERDESK_DEMO=0', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h/db', TIERDESK_DEMO: '0', PORT: '8080' });
    expect(c.databaseUrl).toBe('postgres://u@h/db');
    expect(c.demo).toBe(false);
    expect(c.port).toBe(8080);
  });

  it('refuses an invalid value and names the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ TIERDESK_DEMO: 'yes' })).toThrow(/TIERDESK_DEMO/);
  });

  it('stores attachments on disk unless ATTACHMENT_STORE=database, and refuses anything else', () => {
    expect(loadConfig({}).attachmentStore).toBe('disk');
    expect(loadConfig({ ATTACHMENT_STORE: 'database' }).attachmentStore).toBe('database');
    expect(() => loadConfig({ ATTACHMENT_STORE: 's3' })).toThrow(/ATTACHMENT_STORE/);
  });

  it('remembers a device for MFA_REMEMBER_DAYS (30; 0 offers nothing) and refuses more than a year', () => {
    expect(loadConfig({}).mfaRememberDays).toBe(30);
    expect(loadConfig({ MFA_REMEMBER_DAYS: '0' }).mfaRememberDays).toBe(0);
    expect(() => loadConfig({ MFA_REMEMBER_DAYS: '400' })).toThrow(/MFA_REMEMBER_DAYS/);
  });

  it('reads the KB image hosts and the secret key, and refuses malformed ones', () => {
    expect(loadConfig({}).kbImageHosts).toEqual([]);
    expect(loadConfig({ KB_IMAGE_HOSTS: ' Images.Example.com, cdn.example.org:8443 ' }).kbImageHosts).toEqual(['images.example.com', 'cdn.example.org:8443']);
    expect(() => loadConfig({ KB_IMAGE_HOSTS: 'https://images.example.com/' })).toThrow(/KB_IMAGE_HOSTS/);
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ TIERDESK_SECRET_KEY: hex }).secretKey).toBe(hex);
    expect(loadConfig({ TIERDESK_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }).secretKey).toBe(Buffer.alloc(32, 7).toString('base64'));
    expect(loadConfig({}).secretKey).toBeNull();
    expect(() => loadConfig({ TIERDESK_SECRET_KEY: 'short' })).toThrow(/TIERDESK_SECRET_KEY: must be 32 bytes/);
  });
});
