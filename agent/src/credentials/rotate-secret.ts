import type { CredentialStore } from './credential-store.js';

/**
 * Save a rotated secret in credentials.json (atomic rename, 0600), keeping everything else.
 * Resolves false when the file cannot be read or written: the agent then does not confirm, and
 * the hub keeps its old secret valid until the grace window ends.
 */
export async function saveRotatedSecret(
  store: CredentialStore,
  agentId: string,
  secret: string,
): Promise<boolean> {
  const current = await store.readCredentials();
  if (!current.ok || current.value.agentId !== agentId) return false;
  try {
    await store.writeCredentials({ ...current.value, secret });
    return true;
  } catch {
    return false;
  }
}
