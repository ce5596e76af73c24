import { createHash, createPublicKey, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type AnnouncedArtefact, artefactSignedText } from '@vigie/shared';
import { stat } from '../runtime/fs-async.js';
import { type UpdateFailure, updateFailure } from './update-errors.js';

/**
 * Whether the pinned hub key signed this artefact of `version` (name, size and sha256 included).
 * Checked before downloading: bytes whose hash nobody trusted signed are not worth fetching.
 */
export function verifyAnnouncedSignature(
  pinnedKey: string,
  version: string,
  artefact: AnnouncedArtefact,
): { ok: true } | UpdateFailure {
  let valid = false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pinnedKey }, format: 'jwk' });
    const text = artefactSignedText({ ...artefact, version });
    valid = verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(artefact.signature, 'base64url'));
  } catch {
    valid = false;
  }
  return valid
    ? { ok: true }
    : updateFailure(
        'UPDATE_SIGNATURE_INVALID',
        `${artefact.name} ${version} is not signed by the pinned key`,
      );
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether the file at `path` is exactly the artefact that was signed: its size, then its sha256. */
export async function verifyArtefactFile(
  path: string,
  artefact: Pick<AnnouncedArtefact, 'size' | 'sha256'>,
): Promise<{ ok: true } | UpdateFailure> {
  const size = (await stat(path)).size;
  if (size !== artefact.size)
    return updateFailure('UPDATE_SIZE_MISMATCH', `${size} bytes, ${artefact.size} announced`);
  const sha256 = await sha256Of(path);
  if (sha256 !== artefact.sha256)
    return updateFailure('UPDATE_CHECKSUM_MISMATCH', `sha256 ${sha256}, ${artefact.sha256} signed`);
  return { ok: true };
}
