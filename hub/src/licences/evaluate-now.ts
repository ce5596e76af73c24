import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { findLicence } from '../repositories/licences.js';
import { listWarranties } from '../repositories/warranties.js';
import { signalExpiryStage } from './stage-tickets.js';
import { licenceExpiryItem, warrantyExpiryItem } from './sweep.js';

// An admin who creates, edits or imports an expiring item sees its ticket at once: the same
// per-item evaluation as the hourly sweep (which stays, as the safety net), run after the write.

/** Evaluate one licence's expiry stage now; how many signals went out. */
export async function evaluateLicenceNow(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  licenceId: string,
  now: number,
): Promise<number> {
  const licence = await findLicence(db, licenceId);
  return licence ? signalExpiryStage(db, runtime, licenceExpiryItem(licence), now) : 0;
}

/** Evaluate the warranties of these hosts now; how many signals went out. */
export async function evaluateWarrantiesNow(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  hostIds: readonly string[],
  now: number,
): Promise<number> {
  const wanted = new Set(hostIds);
  let sent = 0;
  for (const warranty of await listWarranties(db)) {
    if (wanted.has(warranty.host_id))
      sent += await signalExpiryStage(db, runtime, warrantyExpiryItem(warranty), now);
  }
  return sent;
}
