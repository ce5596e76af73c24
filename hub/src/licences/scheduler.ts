import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { runTickAlone } from '../cluster/tick-lock.js';
import type { Database } from '../db/database.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { sweepAntivirus } from '../inventory/antivirus-sweep.js';
import { sweepSecurityUpdates } from '../inventory/updates-sweep.js';
import { sweepLicences } from './sweep.js';

/** A running inventory sweep. */
export interface InventorySweeper {
  /** Stop scheduling and wait for a pass in flight. */
  stop(): Promise<void>;
}

/** What the inventory sweep needs; `clock` is injected so tests and the hub share one. */
export interface InventorySweepOptions {
  readonly db: Kysely<Database>;
  readonly runtime: IncidentRuntime;
  readonly clock: () => number;
  readonly log: Logger;
  /** Between passes; hourly by default (a stage is signalled once whatever the rate). */
  readonly intervalMs?: number;
  readonly securityUpdatesMaxAgeMs: number;
}

/** One pass: security updates pending too long, antivirus, licence expiry and compliance, warranties. */
export async function runInventorySweep(
  options: InventorySweepOptions,
  now: number,
): Promise<{ signalled: number }> {
  const updates = await sweepSecurityUpdates(
    options.db,
    options.runtime,
    options.securityUpdatesMaxAgeMs,
    now,
  );
  const antivirus = await sweepAntivirus(options.db, options.runtime, now);
  const licences = await sweepLicences(options.db, options.runtime, now);
  return { signalled: updates.signalled + antivirus.signalled + licences.signalled };
}

/**
 * Run the inventory sweep now and then every `intervalMs`, one pass at a time; the timer is
 * unref'd so it never keeps the process alive on its own.
 */
export function startInventorySweeper(options: InventorySweepOptions): InventorySweeper {
  const intervalMs = options.intervalMs ?? 3_600_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    // One instance at a time sweeps (several hubs on PostgreSQL); the others skip this tick.
    running = runTickAlone(options.db, 'inventory-sweep', () => runInventorySweep(options, options.clock()))
      .then((tick) => {
        if (tick.ran && tick.value.signalled > 0) options.log.info(tick.value, 'inventory sweep');
      })
      .catch((error: unknown) => options.log.error({ err: error }, 'inventory sweep failed'))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(pass, intervalMs);
        timer.unref();
      });
  };
  pass();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
