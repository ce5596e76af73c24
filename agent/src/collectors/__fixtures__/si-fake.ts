import type { Systeminformation } from 'systeminformation';
import type { SiCollect } from '../si.js';
import { jsonFixture } from './fake-host.js';

/** Recorded systeminformation return values, as a fixture file holds them. */
export interface SiRecording {
  currentLoad: Systeminformation.CurrentLoadData;
  mem: Systeminformation.MemData;
  fsSize: Systeminformation.FsSizeData[];
  // Windows answers null for the disk counters.
  disksIO: Systeminformation.DisksIoData | null;
  fsStats: Systeminformation.FsStatsData | null;
  networkStats: Systeminformation.NetworkStatsData[];
  cpuTemperature: Systeminformation.CpuTemperatureData;
  battery: Systeminformation.BatteryData;
  time: Systeminformation.TimeData;
  processes: Systeminformation.ProcessesData;
  services: Systeminformation.ServicesData[];
}

/** Loads `si/<platform>.json`; tests mutate the returned recording between cycles. */
export function siRecording(platform: 'darwin' | 'win32'): SiRecording {
  return jsonFixture<SiRecording>(`si/${platform}.json`);
}

/** A `systeminformation` stand-in answering from a recording (read at call time). */
export function fakeSi(rec: SiRecording): SiCollect {
  return {
    currentLoad: async () => rec.currentLoad,
    mem: async () => rec.mem,
    fsSize: async () => rec.fsSize,
    // systeminformation's typings omit the null it returns on Windows.
    disksIO: async () => rec.disksIO as Systeminformation.DisksIoData,
    fsStats: async () => rec.fsStats as Systeminformation.FsStatsData,
    networkStats: async () => rec.networkStats,
    cpuTemperature: async () => rec.cpuTemperature,
    battery: async () => rec.battery,
    time: () => rec.time,
    processes: async () => rec.processes,
    services: async () => rec.services,
  };
}
