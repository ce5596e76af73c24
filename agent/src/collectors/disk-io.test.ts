import { describe, expect, it, vi } from 'vitest';
import { fakeHost, fixture, manualClock } from './__fixtures__/fake-host.js';
import { fakeSi, siRecording } from './__fixtures__/si-fake.js';
import { createLinuxDiskIoCollector } from './disk-io.linux.js';
import { createSiDiskIoCollector } from './disk-io.si.js';

const fast = { slow: false, services: [] };
const SYS_BLOCK = ['loop0', 'vda', 'zram0'].map((d) => [`/sys/block/${d}/size`, '1']);

describe('Linux disk I/O collector', () => {
  it('rates the physical disk between two recorded readings, skipping loop and zram', async () => {
    const clock = manualClock();
    const host = fakeHost({
      '/proc/diskstats': fixture('linux/diskstats-1.txt'),
      ...Object.fromEntries(SYS_BLOCK),
    });
    const io = createLinuxDiskIoCollector({ ...host, clock: clock.now, log: vi.fn() });
    expect(await io.collect(fast)).toBeUndefined();
    host.files['/proc/diskstats'] = fixture('linux/diskstats-2.txt');
    clock.advance(2000);
    // Recorded: 12 reads, 536 sectors, 4 ms busy.
    expect(await io.collect(fast)).toEqual([
      {
        device: 'vda',
        readBytesPerSec: 137216,
        writeBytesPerSec: 0,
        readOpsPerSec: 6,
        writeOpsPerSec: 0,
        busyPct: 0.2,
      },
    ]);
  });

  it('logs a missing /proc/diskstats once across cycles', async () => {
    const log = vi.fn();
    const io = createLinuxDiskIoCollector({ ...fakeHost({}), clock: Date.now, log });
    expect(await io.collect(fast)).toBeUndefined();
    expect(await io.collect(fast)).toBeUndefined();
    expect(log).toHaveBeenCalledTimes(1);
  });
});

describe('systeminformation disk I/O collector', () => {
  it('rates the machine-wide counters against its own clock', async () => {
    const rec = siRecording('darwin');
    const clock = manualClock();
    const io = createSiDiskIoCollector({ si: fakeSi(rec), clock: clock.now, log: vi.fn() });
    expect(await io.collect(fast)).toBeUndefined();
    if (rec.disksIO && rec.fsStats) {
      rec.disksIO = { ...rec.disksIO, rIO: rec.disksIO.rIO + 500 };
      rec.fsStats = { ...rec.fsStats, wx: rec.fsStats.wx + 10_000_000 };
    }
    clock.advance(10_000);
    expect(await io.collect(fast)).toEqual([
      {
        device: 'total',
        readBytesPerSec: 0,
        writeBytesPerSec: 1_000_000,
        readOpsPerSec: 50,
        writeOpsPerSec: 0,
      },
    ]);
  });

  it('skips Windows, where the counters are null, logging it once', async () => {
    const log = vi.fn();
    const io = createSiDiskIoCollector({ si: fakeSi(siRecording('win32')), clock: Date.now, log });
    expect(await io.collect(fast)).toBeUndefined();
    expect(await io.collect(fast)).toBeUndefined();
    expect(log).toHaveBeenCalledTimes(1);
  });
});
