import { createPublicKey, verify } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE, signingKeyPath } from './signing-key.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-signing-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function verifies(publicKey: string, text: string, signature: string): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
  return verify(null, Buffer.from(text), key, Buffer.from(signature, 'base64url'));
}

describe('hub signing key', () => {
  it('is created once, mode 0600, and the same key is read back on the next start', () => {
    const path = join(dir, 'data', SIGNING_KEY_FILE);
    const first = loadOrCreateSigningKey(path);
    expect(first).toMatchObject({ ok: true, created: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = loadOrCreateSigningKey(path);
    expect(second).toMatchObject({ ok: true, created: false });
    if (!first.ok || !second.ok) throw new Error('unreachable');
    expect(second.key.publicKey).toBe(first.key.publicKey);
    expect(first.key.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const signature = first.key.sign('hello');
    expect(verifies(second.key.publicKey, 'hello', signature)).toBe(true);
    expect(verifies(second.key.publicKey, 'hellO', signature)).toBe(false);
  });

  it('refuses a key file others can read, and a file that is not an ed25519 key', () => {
    const path = join(dir, SIGNING_KEY_FILE);
    expect(loadOrCreateSigningKey(path).ok).toBe(true);
    chmodSync(path, 0o644);
    expect(loadOrCreateSigningKey(path)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/chmod 600/),
    });
    chmodSync(path, 0o600);
    writeFileSync(path, 'not a key');
    expect(loadOrCreateSigningKey(path)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not a PEM/),
    });
    expect(readFileSync(path, 'utf8')).toBe('not a key');
  });

  it('lives beside a SQLite file unless given; nowhere by default for memory or PostgreSQL', () => {
    expect(signingKeyPath({ db: '/srv/vigie/hub.db' })).toBe(`/srv/vigie/${SIGNING_KEY_FILE}`);
    expect(signingKeyPath({ db: '/srv/vigie/hub.db', signingKey: '/etc/vigie/key.pem' })).toBe(
      '/etc/vigie/key.pem',
    );
    expect(signingKeyPath({ db: ':memory:' })).toBeUndefined();
    expect(signingKeyPath({ db: 'postgres://hub@db/vigie' })).toBeUndefined();
  });
});
