import type { Clock, Log } from '../deps.js';
import { createLogOnce, errorCode, errorMessage } from '../util/log-once.js';
import { parseScan, parseSmartctl, type SmartDevice, type SmartDisk } from './parse.js';

/**
 * Runs smartctl with these arguments. Resolves with stdout and the exit status for any exit (smartctl's
 * status is a bit mask, not a plain failure); rejects only when it could not run (ENOENT, timeout).
 */
export type SmartctlRun = (args: readonly string[]) => Promise<{ stdout: string; exitCode: number }>;

export interface SmartReaderDeps {
  readonly run: SmartctlRun;
  readonly clock: Clock;
  readonly log: Log;
  /** How long the device list from `--scan-open` is trusted before scanning again. */
  readonly rescanSec?: number;
}

/** Reads every disk's SMART figures; a disk without them is logged once and left out. */
export interface SmartReader {
  read(): Promise<SmartDisk[]>;
}

const DEFAULT_RESCAN_SEC = 6 * 3600;

/**
 * A scan lists the disks (and their `-d` type) once, then each read runs `smartctl -a` per disk.
 * `-n standby` leaves a spun-down disk asleep: that read is skipped, not counted as a fault. An
 * absent smartctl, a VM with no SMART device, or a virtual disk each say "not available" once.
 */
export function createSmartReader(deps: SmartReaderDeps): SmartReader {
  const logOnce = createLogOnce(deps.log);
  const rescanMs = (deps.rescanSec ?? DEFAULT_RESCAN_SEC) * 1000;
  let scan: { devices: SmartDevice[]; at: number } | undefined;

  async function devices(): Promise<SmartDevice[]> {
    const now = deps.clock();
    if (scan && now - scan.at < rescanMs) return scan.devices;
    try {
      const { stdout } = await deps.run(['--scan-open', '--json']);
      scan = { devices: parseScan(stdout), at: now };
      if (scan.devices.length === 0)
        logOnce(
          'no-device',
          'SMART not available: smartctl finds no disk with SMART (virtual disks have none)',
        );
    } catch (error) {
      scan = { devices: [], at: now };
      if (errorCode(error) === 'ENOENT')
        logOnce('no-smartctl', 'SMART not available: smartctl is not installed (package smartmontools)');
      else
        logOnce('scan-failed', 'SMART not available: smartctl --scan-open failed', {
          error: errorMessage(error),
        });
    }
    return scan.devices;
  }

  async function readDisk(device: SmartDevice): Promise<SmartDisk | undefined> {
    try {
      const { stdout, exitCode } = await deps.run([
        '-a',
        '--json',
        '-n',
        'standby',
        '-d',
        device.type,
        device.name,
      ]);
      const result = parseSmartctl(stdout, exitCode);
      if (result.ok) return result.disk;
      if (result.reason !== 'standby')
        logOnce(`${result.reason}:${device.name}`, 'SMART not available for this disk', {
          device: device.name,
          reason: result.reason,
          detail: result.detail,
        });
    } catch (error) {
      logOnce(`run:${device.name}`, 'smartctl failed on a disk', {
        device: device.name,
        error: errorMessage(error),
      });
    }
    return undefined;
  }

  return {
    async read() {
      const disks: SmartDisk[] = [];
      // One disk at a time: several smartctl at once would only compete for the same buses.
      for (const device of await devices()) {
        const disk = await readDisk(device);
        if (disk) disks.push(disk);
      }
      return disks;
    },
  };
}
