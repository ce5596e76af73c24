import { SMART_EXIT, type SmartDisk } from '../collectors/smart/parse.js';
import type { SmartReader } from '../collectors/smart/reader.js';
import type { CheckObservation } from './observations.js';

/** The `disk.smart` values: the default rule warns above 0 and is critical above 1. */
export const SMART_HEALTH = { ok: 0, degrading: 1, failing: 2 } as const;

/** NVMe endurance used from which a disk is flagged (vendors rate 100 % as end of life). */
export const SMART_WEAR_WARNING_PCT = 90;

/** The sector counters whose growth predicts failure (Backblaze's drive stats, Google's 2007 study). */
type Counters = Pick<SmartDisk, 'reallocated' | 'pending' | 'uncorrectable'>;
const COUNTERS = ['reallocated', 'pending', 'uncorrectable'] as const;

/**
 * A disk's health as a `disk.smart` value. Failing: the drive's own verdict (overall status failed,
 * a prefail attribute past its threshold now, any NVMe critical warning bit). Degrading: a sector
 * counter above 0 that grew since the previous reading, or NVMe wear at 90 % or more. A counter that
 * has been stable for years is not news; the first reading only sets the baseline. How long a
 * degrading disk stays flagged after its counters stop growing is the rule's `clearForSec`.
 */
export function smartObservation(disk: SmartDisk, previous: Counters | undefined): CheckObservation {
  const failing =
    disk.passed === false ||
    (disk.exitStatus & (SMART_EXIT.diskFailing | SMART_EXIT.prefailNow)) !== 0 ||
    (disk.nvmeCriticalWarning ?? 0) > 0;
  const rising = COUNTERS.some((key) => {
    const now = disk[key];
    const before = previous?.[key];
    return now !== null && now > 0 && before !== undefined && before !== null && now > before;
  });
  const worn = (disk.percentageUsed ?? 0) >= SMART_WEAR_WARNING_PCT;
  const value = failing ? SMART_HEALTH.failing : rising || worn ? SMART_HEALTH.degrading : SMART_HEALTH.ok;
  const facts: Record<string, number> = {};
  for (const key of [...COUNTERS, 'nvmeCriticalWarning', 'percentageUsed', 'temperature'] as const) {
    const figure = disk[key];
    if (figure !== null) facts[key] = figure;
  }
  return { kind: 'disk.smart', resource: disk.device, value, facts };
}

export interface SmartCheckDeps {
  readonly reader: SmartReader;
  /** Minimum time between two reads of the disks (smartd's default is 30 min). */
  readonly intervalSec?: number;
}

/** Reads the disks at most every `intervalSec` and turns each into a `disk.smart` observation. */
export interface SmartCheck {
  /** The observations of a fresh read, or none when the last one is too recent. */
  observe(now: number): Promise<CheckObservation[]>;
}

const DEFAULT_INTERVAL_SEC = 600;

export function createSmartCheck(deps: SmartCheckDeps): SmartCheck {
  const intervalMs = (deps.intervalSec ?? DEFAULT_INTERVAL_SEC) * 1000;
  const counters = new Map<string, Counters>();
  let lastReadAt: number | undefined;

  return {
    async observe(now) {
      if (lastReadAt !== undefined && now - lastReadAt < intervalMs) return [];
      lastReadAt = now;
      const disks = await deps.reader.read();
      return disks.map((disk) => {
        const key = disk.serial ?? disk.device;
        const observation = smartObservation(disk, counters.get(key));
        counters.set(key, baseline(disk, counters.get(key)));
        return observation;
      });
    },
  };
}

/** The baseline to compare with next time: a counter that read null keeps its last known value. */
function baseline(disk: SmartDisk, previous: Counters | undefined): Counters {
  const pick = (key: (typeof COUNTERS)[number]) => disk[key] ?? previous?.[key] ?? null;
  return { reallocated: pick('reallocated'), pending: pick('pending'), uncorrectable: pick('uncorrectable') };
}
