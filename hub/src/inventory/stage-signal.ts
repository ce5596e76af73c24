import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Signal } from '../incidents/engine/types.js';
import { handleSignal } from '../incidents/handle-signal.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { findInventorySignal, recordInventorySignal } from '../repositories/inventory-signals.js';

// Staleness resolves a hub-side incident left without occurrences for 3 days (engine default),
// so a condition that still holds is signalled again daily, not only when its stage changes.
const REFRESH_MS = 86_400_000;

/**
 * Send a hub-side inventory signal when its stage changed (or a day after it was last sent),
 * so a sweep that runs hourly raises one ticket per item, raised in priority as the stage
 * worsens. A recovery (`ok`) is sent once, and only for a key that was signalled before.
 */
export async function signalStage(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  signal: Signal,
  stage: string,
  now: number,
): Promise<boolean> {
  return db.transaction().execute((trx) => signalStageIn(trx, runtime, signal, stage, now));
}

/** `signalStage` inside the caller's transaction (ingest judges TLS certificate stages there). */
export async function signalStageIn(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  signal: Signal,
  stage: string,
  now: number,
): Promise<boolean> {
  const last = await findInventorySignal(trx, signal.key);
  if (signal.state === 'ok') {
    if (!last || last.stage === 'ok') return false;
  } else if (last && last.stage === stage && now - Number(last.signalled_at) < REFRESH_MS) {
    return false;
  }
  await handleSignal(trx, runtime, signal, now, 'hub');
  await recordInventorySignal(trx, signal.key, signal.state === 'ok' ? 'ok' : stage, now);
  return true;
}
