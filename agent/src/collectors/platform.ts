import { createLinuxBatteryCollector } from './battery.linux.js';
import { createSiBatteryCollector } from './battery.si.js';
import type { Collector } from './collector.js';
import { createLinuxCpuCollector } from './cpu.linux.js';
import { createSiCpuCollector } from './cpu.si.js';
import type { Clock, ExecFile, Log, ReadDir, ReadText, Statfs } from './deps.js';
import { createLinuxDiskIoCollector } from './disk-io.linux.js';
import { createSiDiskIoCollector } from './disk-io.si.js';
import { createLinuxFilesystemsCollector } from './filesystems.linux.js';
import { createSiFilesystemsCollector } from './filesystems.si.js';
import { createLinuxMemoryCollector } from './memory.linux.js';
import { createSiMemoryCollector } from './memory.si.js';
import { createLinuxNetworkCollector } from './network.linux.js';
import { createSiNetworkCollector } from './network.si.js';
import { createLinuxProcessesCollector } from './processes.linux.js';
import { createSiProcessesCollector } from './processes.si.js';
import { createLinuxServicesCollector } from './services.linux.js';
import { createSiServicesCollector } from './services.si.js';
import type { SiCollect } from './si.js';
import { createLinuxTemperaturesCollector } from './temperatures.linux.js';
import { createSiTemperaturesCollector } from './temperatures.si.js';
import { createLinuxUptimeCollector } from './uptime.linux.js';
import { createSiUptimeCollector } from './uptime.si.js';

/** Everything any collector may need, already resolved to real or test implementations. */
export interface CollectorDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly readFile: ReadText;
  readonly readdir: ReadDir;
  readonly statfs: Statfs;
  readonly execFile: ExecFile;
  readonly si: SiCollect;
  readonly loadavg: () => number[];
}

/** Linux: /proc and /sys read asynchronously; only the slow-cycle services check spawns. */
export function linuxCollectors(d: CollectorDeps): Collector[] {
  return [
    createLinuxCpuCollector(d),
    createLinuxMemoryCollector(d),
    createLinuxFilesystemsCollector(d),
    createLinuxDiskIoCollector(d),
    createLinuxNetworkCollector(d),
    createLinuxTemperaturesCollector(d),
    createLinuxBatteryCollector(d),
    createLinuxUptimeCollector(d),
    createLinuxProcessesCollector(d),
    createLinuxServicesCollector(d),
  ];
}

/** Other platforms (darwin, win32, BSDs): through systeminformation. */
export function siCollectors(d: CollectorDeps, platform: NodeJS.Platform): Collector[] {
  return [
    // Windows has no load average; os.loadavg() answers zeros there.
    createSiCpuCollector(platform === 'win32' ? { si: d.si } : { si: d.si, loadavg: d.loadavg }),
    createSiMemoryCollector(d),
    createSiFilesystemsCollector(d),
    createSiDiskIoCollector(d),
    createSiNetworkCollector(d),
    createSiTemperaturesCollector(d),
    createSiBatteryCollector(d),
    createSiUptimeCollector(d),
    createSiProcessesCollector(d),
    createSiServicesCollector(d),
  ];
}
