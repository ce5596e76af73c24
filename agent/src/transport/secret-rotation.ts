import type { CredentialMessage, Hello } from '@vigie/shared';
import type { Log } from '../logger.js';

/** The agent's side of a secret rotation (0012): save the new secret, then use it. */
export interface SecretRotation {
  /** The hello's credential, carrying the rotated secret once it was saved. */
  credential(base: Hello['credential']): Hello['credential'];
  /** Saves the secret the hub rotated to; true once on disk, when it may be confirmed to the hub. */
  receive(message: CredentialMessage): Promise<boolean>;
}

/** Keeps the rotated secret, which replaces the one the caller's hello knows, once saved. */
export function createSecretRotation(
  saveSecret: ((message: CredentialMessage) => Promise<boolean>) | undefined,
  log: Log,
): SecretRotation {
  let rotatedSecret: string | undefined;
  return {
    credential: (base) => (rotatedSecret === undefined ? base : { ...base, secret: rotatedSecret }),
    async receive(message) {
      const saved = (await saveSecret?.(message).catch(() => false)) ?? false;
      if (!saved) {
        // Unconfirmed, the old secret stays valid until previousValidUntil; the hub re-sends at the next hello.
        log.error('could not save the rotated secret', { previousValidUntil: message.previousValidUntil });
        return false;
      }
      rotatedSecret = message.secret;
      log.info('agent secret rotated and saved', { previousValidUntil: message.previousValidUntil });
      return true;
    },
  };
}
