import { join } from 'node:path';
import {
  type CheckRule,
  plainBoolean,
  plainInteger,
  plainObject,
  plainRequired,
  type Sample,
} from '@vigie/shared';
import { z } from 'zod';
import { readJsonFile, writeJsonFileAtomic } from '../credentials/json-file.js';
import type { CheckObservation } from './observations.js';

/** What the agent remembers across its own restarts to tell a crash from a planned reboot. */
export const bootRecordSchema = z.object({
  /** The host's boot time the last run saw. */
  bootTime: z.number().int().min(0),
  /** Whether that run was stopped cleanly (a planned shutdown stops the service first). */
  cleanStop: z.boolean(),
});
export type BootRecord = z.infer<typeof bootRecordSchema>;

/** `bootRecordSchema`'s hand-written twin (decision 0039): true only for what it accepts unchanged. */
export const isPlainBootRecord = plainObject({
  bootTime: plainRequired(plainInteger(0, Number.MAX_SAFE_INTEGER)),
  cleanStop: plainRequired(plainBoolean),
}) as (value: unknown) => value is BootRecord;

/** Where the boot record lives; injected so tests keep it in memory. */
export interface BootRecordStore {
  read(): Promise<BootRecord | undefined>;
  write(record: BootRecord): Promise<void>;
}

export const BOOT_RECORD_FILE = 'boot.json';

/** boot.json in the agent's state directory; unreadable or corrupt reads as "no record". */
export function createBootRecordFile(stateDir: string): BootRecordStore {
  const path = join(stateDir, BOOT_RECORD_FILE);
  return {
    read: async () => {
      const result = await readJsonFile(path, bootRecordSchema, isPlainBootRecord);
      return result.ok ? result.value : undefined;
    },
    write: (record) => writeJsonFileAtomic(path, record),
  };
}

/**
 * Boot times read from /proc/stat move by a second or two when NTP steps the clock; a real reboot
 * moves them by at least the previous uptime.
 */
const BOOT_TIME_JITTER_MS = 120_000;

/** Spots a reboot the agent was not stopped cleanly before (power loss, panic, watchdog, hard reset). */
export interface RebootCheck {
  /** Reads the previous run's record; call once before the first sample. */
  load(): Promise<void>;
  /** The `host.reboot` observation for this sample, or nothing before the boot time is known. */
  observe(sample: Sample, now: number, rule: CheckRule | undefined): CheckObservation | undefined;
  /** Records a clean stop, so the next boot is not taken for a crash. */
  stopped(): Promise<void>;
}

/** A reboot check over `store`; write failures go to `onError` and never stop a cycle. */
export function createRebootCheck(store: BootRecordStore, onError: (error: Error) => void): RebootCheck {
  let previous: BootRecord | undefined;
  let bootTime: number | undefined;
  let unexpectedBoot: number | undefined;

  const write = (record: BootRecord) => store.write(record).catch(onError);

  return {
    async load() {
      previous = await store.read().catch((error: Error) => {
        onError(error);
        return undefined;
      });
    },
    observe(sample, now, rule) {
      const seen = sample.uptime?.bootTime;
      if (seen !== undefined && bootTime === undefined) {
        bootTime = seen;
        if (previous && !previous.cleanStop && seen - previous.bootTime > BOOT_TIME_JITTER_MS)
          unexpectedBoot = seen;
        void write({ bootTime: seen, cleanStop: false });
      }
      if (bootTime === undefined) return undefined;
      if (unexpectedBoot === undefined) return { kind: 'host.reboot', resource: '', value: 0 };
      const holdMs = (rule?.kind === 'host.reboot' ? rule.options.holdSec : 1800) * 1000;
      return {
        kind: 'host.reboot',
        resource: '',
        value: now - unexpectedBoot < holdMs ? 1 : 0,
        facts: { bootTime: unexpectedBoot },
      };
    },
    async stopped() {
      if (bootTime !== undefined) await write({ bootTime, cleanStop: true });
    },
  };
}
