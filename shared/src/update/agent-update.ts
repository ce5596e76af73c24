import { z } from 'zod';

// What hub and agent must agree on for signed agent updates (decision 0017): the announcement a
// hub puts in its welcome, and the exact text its ed25519 key signs for each artefact.

/** Largest artefact an agent downloads: the Node single executable is about 100 MB. */
export const MAX_ARTEFACT_BYTES = 256 * 1024 * 1024;

/** major.minor.patch with an optional pre-release; no build metadata (it would not order). */
export const agentVersionSchema = z
  .string()
  .max(64)
  .regex(/^\d{1,6}\.\d{1,6}\.\d{1,6}(-[0-9A-Za-z.-]{1,40})?$/);

/** An ed25519 public key: its 32 raw bytes, base64url (the JWK `x`). */
export const signingPublicKeySchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** An ed25519 signature: 64 bytes, base64url. */
export const artefactSignatureSchema = z.string().regex(/^[A-Za-z0-9_-]{86}$/);

const artefactName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/);

/** One artefact of the announced version, as the hub serves and signs it. */
export const announcedArtefactSchema = z.object({
  name: artefactName,
  kind: z.enum(['script', 'binary']),
  /** `any` for the single-file build; a Node `process.platform` / `process.arch` for an executable. */
  platform: z.string().min(1).max(16),
  arch: z.string().min(1).max(16),
  /** A path on the hub the agent already talks to; never another host. */
  url: z.string().regex(/^\/downloads\/[A-Za-z0-9._-]{1,64}$/),
  size: z.number().int().min(1).max(MAX_ARTEFACT_BYTES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  signature: artefactSignatureSchema,
});
export type AnnouncedArtefact = z.infer<typeof announcedArtefactSchema>;

/** The agent version a hub serves, in its welcome; agents act on it only when their policy allows. */
export const agentUpdateSchema = z.object({
  version: agentVersionSchema,
  artefacts: z.array(announcedArtefactSchema).max(8),
});
export type AgentUpdate = z.infer<typeof agentUpdateSchema>;

/**
 * The text signed for one artefact. Name, version and size are signed with the hash so a valid
 * signature cannot be replayed for another file, an older version (downgrade) or a truncation.
 * The first line separates it from anything else the key could ever sign.
 */
export function artefactSignedText(artefact: {
  readonly name: string;
  readonly version: string;
  readonly size: number;
  readonly sha256: string;
}): string {
  return `vigie-agent-artefact/1\nname=${artefact.name}\nversion=${artefact.version}\nsize=${artefact.size}\nsha256=${artefact.sha256}\n`;
}
