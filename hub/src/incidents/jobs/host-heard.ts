import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { findHost } from '../../repositories/hosts.js';
import { findOpenIncident } from '../../repositories/incidents.js';
import { dedupKey } from '../facts.js';
import { handleSignal } from '../handle-signal.js';
import type { IncidentRuntime } from '../runtime.js';
import { silentSignal } from './host-silence.js';

/**
 * The host's agent was just heard (its hello accepted): its open `host.silent` recovers now,
 * through the same engine signal the sweep would send at its next pass, instead of seconds to
 * minutes later. True when there was a silence to recover.
 */
export async function recoverHeardHost(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  hostId: string,
  now: number,
): Promise<boolean> {
  const host = await findHost(db, hostId);
  if (!host) return false;
  const key = dedupKey(host.client, host.id, 'host.silent', '');
  // The common case, a host that was fine, costs one indexed read and no transaction.
  const open = await findOpenIncident(db, key);
  if (!open || open.recovered_at !== null) return false;
  return db.transaction().execute(async (trx) => {
    const outcome = await handleSignal(trx, runtime, silentSignal(host, 'ok', now), now, 'hub');
    return outcome.incidentId !== null;
  });
}
