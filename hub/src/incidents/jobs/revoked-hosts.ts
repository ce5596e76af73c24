import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { listHeldSignals, releaseHeldSignal } from '../../repositories/held-signals.js';
import { insertIncidentEvent } from '../../repositories/incident-events.js';
import { findOpenIncident } from '../../repositories/incidents.js';
import { dedupKey } from '../facts.js';
import { resolveIncident } from '../resolve.js';
import type { IncidentRuntime } from '../runtime.js';

const CHUNK = 500;

/**
 * Of these hosts, those whose agents are all revoked: nothing will be heard from them again on
 * purpose, so their silence is no outage. A host without any agent (a probed device) is not
 * revoked: its silence is judged by its probes.
 */
export async function revokedHostIds(db: Kysely<Database>, hostIds: readonly string[]): Promise<Set<string>> {
  const revoked = new Set<string>();
  const ids = [...new Set(hostIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('agents')
      .select(['host_id', 'revoked_at'])
      .where('host_id', 'in', chunk)
      .execute();
    const live = new Set(rows.filter((r) => r.revoked_at === null).map((r) => r.host_id));
    for (const row of rows) if (!live.has(row.host_id)) revoked.add(row.host_id);
  }
  return revoked;
}

/**
 * A revoked host's open `host.silent` resolves with the reason "agent revoked", in the caller's
 * transaction, and the faults it held back (inhibited) are dropped rather than released as
 * tickets from a machine no longer watched. True when an incident was resolved.
 */
export async function resolveRevokedHostSilence(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  host: { id: string; client: string },
  now: number,
): Promise<boolean> {
  const silence = await findOpenIncident(trx, dedupKey(host.client, host.id, 'host.silent', ''));
  if (!silence) return false;
  const resolved = await resolveIncident(trx, runtime, silence, {
    resolution: 'auto',
    reason: 'agent revoked',
    actor: 'system',
    now,
  });
  if (!resolved) return false;
  for (const held of await listHeldSignals(trx, 'inhibited')) {
    if (held.reason_ref !== silence.id || !(await releaseHeldSignal(trx, held.dedup_key))) continue;
    await insertIncidentEvent(trx, runtime.random, {
      incidentId: null,
      key: held.dedup_key,
      at: now,
      actor: 'system',
      kind: 'held_dropped',
      detail: { reason: 'agent revoked', ref: silence.id, heldSince: held.held_since },
    });
  }
  return true;
}
