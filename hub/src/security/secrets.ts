import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Source of random bytes; injected so tests can make ids and tokens reproducible. */
export type RandomBytes = (size: number) => Buffer;
export const cryptoRandom: RandomBytes = (size) => randomBytes(size);

export const TOKEN_PREFIXES = {
  enrolment: 'vge_',
  api: 'vga_',
  agentSecret: 'vgs_',
} as const;

/** A bearer secret: a recognisable prefix (for secret scanners) and 256 random bits. */
export function generateSecret(prefix: string, random: RandomBytes): string {
  return prefix + random(32).toString('base64url');
}

/** A short unique id for rows, e.g. `hst_3k9x…`. */
export function generateId(prefix: string, random: RandomBytes): string {
  return `${prefix}_${random(12).toString('base64url')}`;
}

/**
 * SHA-256, hex. Secrets here are 256 random bits, not passwords, so a slow KDF would add cost on
 * every agent reconnect without adding safety (docs/decisions/0003-secret-hashing.md).
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compare a presented secret with a stored hash in constant time. */
export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
