import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentUpdateSchema, artefactSignedText } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { createEnrolmentToken } from '../enrolment/create-enrolment-token.js';
import { signingKeyFrom } from '../security/signing-key.js';
import { createTestDeps, testHubServices } from '../test-support/test-hub.js';
import { createArtefactSigner } from './artefact-signer.js';
import { createArtefactStore } from './artefact-store.js';

const BUNDLE = '#!/usr/bin/env node\n// vigie-agent 1.2.3\n';
const BUNDLE_SHA = createHash('sha256').update(BUNDLE).digest('hex');
const key = signingKeyFrom(generateKeyPairSync('ed25519').privateKey);
const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey }, format: 'jwk' });
const verifies = (text: string, signature: string) =>
  verify(null, Buffer.from(text), publicKey, Buffer.from(signature, 'base64url'));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-signer-'));
  await writeFile(join(dir, 'vigie-agent.mjs'), BUNDLE);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ version: '1.2.3' }));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('artefact signer', () => {
  it('announces the served version with a signature over name, version, size and sha256', async () => {
    const announcement = await createArtefactSigner(createArtefactStore(dir), key).announcement();
    expect(agentUpdateSchema.parse(announcement)).toEqual(announcement);
    const [artefact] = announcement?.artefacts ?? [];
    expect(artefact).toMatchObject({ name: 'vigie-agent.mjs', size: BUNDLE.length, sha256: BUNDLE_SHA });
    const signed = { name: 'vigie-agent.mjs', version: '1.2.3', size: BUNDLE.length, sha256: BUNDLE_SHA };
    expect(verifies(artefactSignedText(signed), artefact?.signature ?? '')).toBe(true);
    expect(verifies(artefactSignedText({ ...signed, version: '1.2.4' }), artefact?.signature ?? '')).toBe(
      false,
    );
  });

  it('never offers the Windows service wrapper as an agent update', async () => {
    await writeFile(join(dir, 'winsw.exe'), 'MZ wrapper');
    const store = createArtefactStore(dir);
    expect((await store.list()).map((artefact) => [artefact.name, artefact.kind])).toContainEqual([
      'winsw.exe',
      'service-wrapper',
    ]);
    const announcement = await createArtefactSigner(store, key).announcement();
    expect(agentUpdateSchema.parse(announcement)).toEqual(announcement);
    expect(announcement?.artefacts.map((artefact) => artefact.name)).toEqual(['vigie-agent.mjs']);
  });

  it('announces the ES module build before the CommonJS one: agents before decision 0043 take the first script', async () => {
    await writeFile(join(dir, 'vigie-agent.cjs'), `${BUNDLE}// CommonJS\n`);
    const announcement = await createArtefactSigner(createArtefactStore(dir), key).announcement();
    expect(agentUpdateSchema.parse(announcement)).toEqual(announcement);
    expect(announcement?.artefacts.map((artefact) => [artefact.name, artefact.kind])).toEqual([
      ['vigie-agent.mjs', 'script'],
      ['vigie-agent.cjs', 'script'],
    ]);
  });

  it('reads the disk once per few seconds however many agents say hello', async () => {
    let now = 0;
    const signer = createArtefactSigner(createArtefactStore(dir), key, () => now);
    expect((await signer.announcement())?.version).toBe('1.2.3');
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ version: '1.2.4' }));
    now = 4_999;
    expect((await signer.announcement())?.version).toBe('1.2.3');
    now = 5_000;
    expect((await signer.announcement())?.version).toBe('1.2.4');
  });

  it('announces nothing without a manifest version to compare', async () => {
    await rm(join(dir, 'manifest.json'));
    expect(await createArtefactSigner(createArtefactStore(dir), key).announcement()).toBeUndefined();
  });

  it('serves the signature beside the file and the public key in the listing and the enrolment', async () => {
    const deps = await createTestDeps();
    const store = createArtefactStore(dir);
    const signer = createArtefactSigner(store, key);
    const app = createApp(testHubServices(deps, { artefacts: store }), undefined, { signer });
    const listing = (await (await app.request('/api/v1/agent/artefacts')).json()) as {
      signingKey: string;
      artefacts: { signature: string; signatureUrl: string }[];
    };
    expect(listing.signingKey).toBe(key.publicKey);
    const sig = await app.request(listing.artefacts[0]?.signatureUrl ?? '');
    expect(sig.status).toBe(200);
    expect((await sig.text()).trim()).toBe(listing.artefacts[0]?.signature);
    expect((await app.request('/downloads/nothing.sig')).status).toBe(404);

    const { token } = await createEnrolmentToken(deps, {
      client: 'acme',
      site: 'lyon',
      maxUses: 1,
      ttlMs: 60_000,
    });
    const enrolled = await app.request('/api/v1/enrol', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token,
        fingerprint: 'f1f2f3f4f5f6f7f8f9f0a1a2a3a4a5a6',
        hostname: 'pc-01',
        os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
      }),
    });
    expect(enrolled.status).toBe(201);
    expect(await enrolled.json()).toMatchObject({ signingKey: key.publicKey });
    await deps.db.destroy();
  });
});
