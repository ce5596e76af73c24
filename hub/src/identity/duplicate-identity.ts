import type { HubDeps } from '../config/deps.js';
import type { Signal } from '../incidents/engine/types.js';
import { dedupKey, hostFacts } from '../incidents/facts.js';
import { handleSignal } from '../incidents/handle-signal.js';
import { findHost } from '../repositories/hosts.js';

export const DUPLICATE_IDENTITY_CHECK = 'security.duplicate-identity';

/** Where the refused hello came from: only what the hub observed, nothing the peer claimed. */
export interface DuplicateIdentityAttempt {
  readonly agentId: string;
  readonly hostId: string;
  readonly remoteAddress: string;
  /**
   * What gave the copy away: a valid secret with another machine's fingerprint (the default), or
   * a connection replaced by a newer one while it was alive (two live connections, one credential).
   */
  readonly evidence?: 'fingerprint' | 'concurrent';
}

/**
 * Open (or add an occurrence to) the host's "duplicate identity" security incident: a valid secret
 * came with another machine's fingerprint, so the credential was copied. One incident per agent;
 * nothing the impostor sent (hostname, fingerprint, data) is stored, only where it came from.
 */
export async function reportDuplicateIdentity(
  deps: Pick<HubDeps, 'db' | 'clock' | 'incidents' | 'log'>,
  attempt: DuplicateIdentityAttempt,
): Promise<{ incidentId: string | null }> {
  const host = await findHost(deps.db, attempt.hostId);
  if (!host) return { incidentId: null };
  const now = deps.clock();
  const signal: Signal = {
    // Keyed by agent, not host: a host re-enrolled under a new agent is a new credential to judge.
    key: dedupKey(host.client, host.id, DUPLICATE_IDENTITY_CHECK, attempt.agentId),
    client: host.client,
    site: host.site,
    host: hostFacts(host),
    check: DUPLICATE_IDENTITY_CHECK,
    resource: attempt.agentId,
    text: { code: 'duplicate-identity', params: { hostname: host.hostname } },
    state: 'critical',
    observedAt: now,
    value: null,
    threshold: null,
    message:
      attempt.evidence === 'concurrent'
        ? `credential of agent ${attempt.agentId} used by two live connections at once (the replaced one from ${attempt.remoteAddress})`
        : `credential of agent ${attempt.agentId} presented by another machine from ${attempt.remoteAddress}`,
  };
  const outcome = await deps.db
    .transaction()
    .execute((trx) => handleSignal(trx, deps.incidents, signal, now, 'hub'));
  deps.log.warn(
    { agentId: attempt.agentId, hostId: host.id, remote: attempt.remoteAddress, ...outcome },
    'duplicate agent identity',
  );
  return { incidentId: outcome.incidentId };
}
