import type { Sample } from './sample.js';

// Figures as a person reads them (decision 0033). Percentages go to 0.1: no threshold, chart or
// check reads hundredths of a percent, and a figure that stops flickering in its last digit is one
// the wire does not repeat (sample-delta.ts). Bytes, counts and rates keep their precision: a JSON
// integer is no shorter for trailing zeros, and a filesystem's forecast needs its used bytes exact
// (on a 2 TB disk three significant digits would hide a day of growth). Rates are already three
// significant digits below 1 000 (agent collectors' `ratePerSec`), load averages two decimals.

const tenth = (value: number) => Math.round(value * 10) / 10;

/** The sample with its percentages to 0.1 (still within 0–100, so still valid). */
export function readableSample(sample: Sample): Sample {
  const { cpu, memory, filesystems, diskIo } = sample;
  return {
    ...sample,
    ...(cpu && {
      cpu: {
        ...cpu,
        usagePct: tenth(cpu.usagePct),
        perCorePct: cpu.perCorePct.map(tenth),
        ...(cpu.iowaitPct !== undefined && { iowaitPct: tenth(cpu.iowaitPct) }),
      },
    }),
    ...(memory && {
      memory: { ...memory, usedPct: tenth(memory.usedPct), swapUsedPct: tenth(memory.swapUsedPct) },
    }),
    ...(filesystems && {
      filesystems: filesystems.map((fs) => ({
        ...fs,
        usedPct: tenth(fs.usedPct),
        ...(fs.inodesUsedPct !== undefined && { inodesUsedPct: tenth(fs.inodesUsedPct) }),
      })),
    }),
    ...(diskIo && {
      diskIo: diskIo.map((io) => (io.busyPct === undefined ? io : { ...io, busyPct: tenth(io.busyPct) })),
    }),
  };
}
