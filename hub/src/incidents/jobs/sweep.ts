import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { IncidentRuntime } from '../runtime.js';
import { releaseHeldSignals } from './held-release.js';
import { type SilenceOptions, sweepHostSilence } from './host-silence.js';
import { sweepTimers } from './timers.js';

export interface SweepReport {
  opened: number;
  recovered: number;
  released: number;
  resolved: number;
  closed: number;
}

/**
 * One pass of the hub-side checks and timers at `now`: host silence (and site silence), held
 * signals whose window or silence ended, quiet-period resolution, staleness, closing. Idempotent:
 * a second pass at the same `now` changes nothing.
 */
export async function runIncidentSweep(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  silence: SilenceOptions,
  now: number,
): Promise<SweepReport> {
  const hosts = await sweepHostSilence(db, runtime, silence, now);
  const held = await releaseHeldSignals(db, runtime, now);
  const timers = await sweepTimers(db, runtime, now);
  return { ...hosts, ...held, ...timers };
}
