import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { lastHeardRecorder } from '../repositories/host-silence.js';

/**
 * When each host connected to this instance last sent a frame (any frame, pongs included), kept
 * in memory: a write per frame would be 10 000 writes every heartbeat. A flush persists what
 * changed since the previous one, in batches; the socket's close writes the exact last value.
 */
export function createLastHeard(clock: () => number) {
  const latest = new Map<string, number>();
  let changed = new Map<string, number>();
  return {
    /** A frame of this host arrived now. */
    note(hostId: string): void {
      const at = clock();
      latest.set(hostId, at);
      changed.set(hostId, at);
    },
    /** The host's session ended: its last heard time, if one was noted. */
    forget(hostId: string): number | undefined {
      const at = latest.get(hostId);
      latest.delete(hostId);
      return at;
    },
    /** What changed since the last call (the caller persists it). */
    take(): { hostId: string; at: number }[] {
      const taken = changed;
      changed = new Map();
      return [...taken].map(([hostId, at]) => ({ hostId, at }));
    },
    /** Put back what a failed flush took, unless newer values arrived meanwhile. */
    giveBack(heard: readonly { hostId: string; at: number }[]): void {
      for (const { hostId, at } of heard) if (!changed.has(hostId)) changed.set(hostId, at);
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
