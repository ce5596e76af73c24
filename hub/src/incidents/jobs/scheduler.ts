import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { runTickAlone } from '../../cluster/tick-lock.js';
import type { Database } from '../../db/database.js';
import type { IncidentRuntime } from '../runtime.js';
import type { SilenceOptions } from './host-silence.js';
import { runIncidentSweep } from './sweep.js';

/** A running periodic sweep. */
export interface IncidentSweeper {
  /** Stop scheduling and wait for a pass in flight. */
  stop(): Promise<void>;
}

/**
 * Run the incident sweep every `intervalMs`, one pass at a time (the next is scheduled when the
 * previous ends, so a slow pass never overlaps itself). The timer is unref'd: it never keeps
 * the process alive on its own.
 */
export function startIncidentSweeper(options: {
  db: Kysely<Database>;
  runtime: IncidentRuntime;
  silence: SilenceOptions;
  intervalMs: number;
  clock: () => number;
  log: Logger;
  /** Run first on every tick, by every instance (persist what its live sessions last heard). */
  beforeSweep?: () => Promise<void>;
}): IncidentSweeper {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      // One instance at a time sweeps (several hubs on PostgreSQL); the others skip this tick.
      running = (options.beforeSweep?.() ?? Promise.resolve())
        .then(() =>
          runTickAlone(options.db, 'incident-sweep', () =>
            runIncidentSweep(options.db, options.runtime, options.silence, options.clock()),
          ),
        )
        .then((tick) => {
          if (tick.ran && Object.values(tick.value).some((count) => count > 0)) {
            options.log.info(tick.value, 'incident sweep');
          }
        })
        .catch((error: unknown) => options.log.error({ err: error }, 'incident sweep failed'))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
