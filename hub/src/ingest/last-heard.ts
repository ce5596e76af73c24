import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { lastHeardRecorder } from '../repositories/host-silence.js';

/** One host's last heard time, and the value last handed to a flush. */
interface HeardEntry {
  at: number;
  taken: number;
}

/**
 * When each host connected to this instance last sent a frame (any frame, pongs included), kept
 * in memory: a write per frame would be 10 000 writes every heartbeat. A flush persists what
 * changed since the previous one, in batches; the socket's close writes the exact last value.
 * A frame only overwrites its host's entry (no map rebuilt per flush, no entry per frame): for
 * idle fleets the pongs are most of what the hub handles (docs/benchmarks.md, "heartbeat").
 */
export function createLastHeard(clock: () => number) {
  const entries = new Map<string, HeardEntry>();
  // Hosts whose session ended with a value not yet taken: the next flush still writes it.
  let leaving: { hostId: string; at: number }[] = [];
  return {
    /** A frame of this host arrived now. */
    note(hostId: string): void {
      const at = clock();
      const entry = entries.get(hostId);
      if (entry === undefined) entries.set(hostId, { at, taken: Number.NEGATIVE_INFINITY });
      else entry.at = at;
    },
    /** The host's session ended: its last heard time, if one was noted. */
    forget(hostId: string): number | undefined {
      const entry = entries.get(hostId);
      if (entry === undefined) return undefined;
      entries.delete(hostId);
      if (entry.at !== entry.taken) leaving.push({ hostId, at: entry.at });
      return entry.at;
    },
    /** What changed since the last call (the caller persists it). */
    take(): { hostId: string; at: number }[] {
      const taken = leaving;
      leaving = [];
      for (const [hostId, entry] of entries)
        if (entry.at !== entry.taken) {
          entry.taken = entry.at;
          taken.push({ hostId, at: entry.at });
        }
      return taken;
    },
    /** Put back what a failed flush took, unless newer values arrived meanwhile. */
    giveBack(heard: readonly { hostId: string; at: number }[]): void {
      for (const item of heard) {
        const entry = entries.get(item.hostId);
        if (entry === undefined) leaving.push(item);
        else if (entry.at === item.at) entry.taken = Number.NEGATIVE_INFINITY;
      }
    },
  };
}
export type LastHeard = ReturnType<typeof createLastHeard>;

/**
 * Persist last heard times every `intervalMs`, one flush at a time. `flush()` runs one now (the
 * silence sweep calls it first, so it judges this instance's hosts on fresh values).
 */
export function startLastHeardFlush(
  db: Kysely<Database>,
  heard: LastHeard,
  options: { intervalMs: number; log: Logger },
) {
  const record = lastHeardRecorder(db);
  let running: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    running = running.then(async () => {
      const batch = heard.take();
      if (batch.length === 0) return;
      try {
        await record(batch);
      } catch (error) {
        heard.giveBack(batch);
        options.log.warn({ err: error, hosts: batch.length }, 'could not record when hosts were last heard');
      }
    });
    return running;
  };
  const timer = setInterval(() => void flush(), options.intervalMs);
  timer.unref();
  return {
    flush,
    /** Stop the timer and write what is left. */
    async stop(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}
