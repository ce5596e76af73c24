import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { type AnnouncedArtefact, artefactSignedText } from '@vigie/shared';

/** An ed25519 key pair as the hub has it: the private key, and the public key agents pin. */
export function testSigningKey(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: publicKey.export({ format: 'jwk' }).x ?? '' };
}

/** The announcement of `bytes` as the hub would sign it. */
export function announce(
  bytes: Buffer,
  version: string,
  privateKey: KeyObject,
  name = 'vigie-agent.mjs',
): AnnouncedArtefact {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = artefactSignedText({ name, version, size: bytes.length, sha256 });
  return {
    name,
    kind: 'script',
    platform: 'any',
    arch: 'any',
    url: `/downloads/${name}`,
    size: bytes.length,
    sha256,
    signature: sign(null, Buffer.from(text), privateKey).toString('base64url'),
  };
}
