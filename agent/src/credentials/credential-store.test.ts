import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Credentials, createCredentialStore } from './credential-store.js';
import { createStatusFile } from './status-file.js';

const CREDENTIALS: Credentials = {
  hubUrl: 'https://hub.example.com',
  agentId: 'agt_0123456789',
  secret: 's'.repeat(32),
  hostId: 'host_42',
  enrolledAt: '2025-11-24T10:00:00.000Z',
};

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigie-credentials-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createCredentialStore', () => {
  it('reports missing credentials as "missing", not as an error', async () => {
    const store = createCredentialStore(join(root, 'state'));
    expect(await store.readCredentials()).toEqual({ ok: false, reason: 'missing' });
  });

  it('writes credentials owner-only in an owner-only directory and reads them back', async () => {
    const stateDir = join(root, 'state');
    const store = createCredentialStore(stateDir);
    await store.writeCredentials(CREDENTIALS);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    expect((await stat(store.credentialsPath)).mode & 0o777).toBe(0o600);
    expect(await store.readCredentials()).toEqual({ ok: true, value: CREDENTIALS });
  });

  it('replaces the file atomically, leaving no temporary file behind', async () => {
    const stateDir = join(root, 'state');
    const store = createCredentialStore(stateDir);
    await store.writeCredentials(CREDENTIALS);
    await store.writeCredentials({ ...CREDENTIALS, hostId: 'host_43' });
    expect(await readdir(stateDir)).toEqual(['credentials.json']);
    expect(JSON.parse(await readFile(store.credentialsPath, 'utf8')).hostId).toBe('host_43');
  });

  it('names the file when it is corrupt', async () => {
    const store = createCredentialStore(root);
    await writeFile(store.credentialsPath, '{"agentId": 12');
    const broken = await store.readCredentials();
    expect(broken).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(!broken.ok && broken.reason === 'corrupt' && broken.message).toContain(store.credentialsPath);

    await writeFile(store.credentialsPath, JSON.stringify({ ...CREDENTIALS, secret: 'short' }));
    const invalid = await store.readCredentials();
    expect(!invalid.ok && invalid.reason === 'corrupt' && invalid.message).toMatch(
      /credentials\.json is invalid: secret/,
    );
  });

  it('keeps the last policy for offline use', async () => {
    const store = createCredentialStore(root);
    expect(await store.readPolicy()).toEqual({ ok: false, reason: 'missing' });
    const policy = { ...DEFAULT_POLICY, revision: 3, services: ['nginx'] };
    await store.writePolicy(policy);
    expect(await store.readPolicy()).toEqual({ ok: true, value: policy });
    expect((await stat(join(root, 'policy.json'))).mode & 0o777).toBe(0o600);
  });
});

describe('createStatusFile', () => {
  it('round-trips the runtime status', async () => {
    const file = createStatusFile(root);
    const status = { pid: 123, startedAt: '2025-11-24T10:00:00.000Z', lastAckAt: '2025-11-24T10:05:00.000Z' };
    await file.write(status);
    expect(await file.read()).toEqual({ ok: true, value: status });
  });
});
