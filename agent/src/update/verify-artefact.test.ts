import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { announce, testSigningKey } from './__fixtures__/signed-artefact.js';
import { verifyAnnouncedSignature, verifyArtefactFile } from './verify-artefact.js';

const hub = testSigningKey();
const BYTES = Buffer.from('#!/usr/bin/env node\nconsole.log("0.2.0");\n');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-verify-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('verifying an update artefact', () => {
  it('accepts the bytes the pinned key signed for that version', async () => {
    const artefact = announce(BYTES, '0.2.0', hub.privateKey);
    expect(verifyAnnouncedSignature(hub.publicKey, '0.2.0', artefact)).toEqual({ ok: true });
    writeFileSync(join(dir, 'a'), BYTES);
    expect(await verifyArtefactFile(join(dir, 'a'), artefact)).toEqual({ ok: true });
  });

  it('refuses tampered bytes of the same size: the checksum differs from the signed one', async () => {
    const artefact = announce(BYTES, '0.2.0', hub.privateKey);
    const tampered = Buffer.from(BYTES);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 3) ^ 0x01, tampered.length - 3);
    writeFileSync(join(dir, 'a'), tampered);
    expect(await verifyArtefactFile(join(dir, 'a'), artefact)).toMatchObject({
      ok: false,
      code: 'UPDATE_CHECKSUM_MISMATCH',
    });
  });

  it('refuses a truncated download', async () => {
    const artefact = announce(BYTES, '0.2.0', hub.privateKey);
    writeFileSync(join(dir, 'a'), BYTES.subarray(0, 10));
    expect(await verifyArtefactFile(join(dir, 'a'), artefact)).toMatchObject({
      ok: false,
      code: 'UPDATE_SIZE_MISMATCH',
    });
  });

  it('refuses an artefact signed by another key than the pinned one', () => {
    const other = testSigningKey();
    const artefact = announce(BYTES, '0.2.0', other.privateKey);
    expect(verifyAnnouncedSignature(hub.publicKey, '0.2.0', artefact)).toMatchObject({
      ok: false,
      code: 'UPDATE_SIGNATURE_INVALID',
    });
  });

  it('refuses a signature replayed for another version (a downgrade) or another file', () => {
    const artefact = announce(BYTES, '0.1.9', hub.privateKey);
    expect(verifyAnnouncedSignature(hub.publicKey, '0.2.0', artefact).ok).toBe(false);
    const renamed = { ...announce(BYTES, '0.2.0', hub.privateKey), name: 'vigie-agent-linux-x64' };
    expect(verifyAnnouncedSignature(hub.publicKey, '0.2.0', renamed).ok).toBe(false);
  });

  it('refuses a hash or size changed in the announcement, and a malformed signature or key', () => {
    const artefact = announce(BYTES, '0.2.0', hub.privateKey);
    expect(verifyAnnouncedSignature(hub.publicKey, '0.2.0', { ...artefact, sha256: '0'.repeat(64) }).ok).toBe(
      false,
    );
    expect(
      verifyAnnouncedSignature(hub.publicKey, '0.2.0', { ...artefact, size: artefact.size - 1 }).ok,
    ).toBe(false);
    expect(
      verifyAnnouncedSignature(hub.publicKey, '0.2.0', { ...artefact, signature: 'A'.repeat(86) }).ok,
    ).toBe(false);
    expect(verifyAnnouncedSignature('not-a-key', '0.2.0', artefact).ok).toBe(false);
  });
});
