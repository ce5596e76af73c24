import { sampleSchema } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { fakeHost, fixture, recordedProc } from './__fixtures__/fake-host.js';
import { fakeSi, siRecording } from './__fixtures__/si-fake.js';
import { createLinuxCpuCollector } from './cpu.linux.js';
import { createSiCpuCollector } from './cpu.si.js';

const fast = { slow: false, services: [] };

describe('Linux CPU collector', () => {
  it('reports nothing on the first reading, then usage from the jiffies delta', async () => {
    const host = fakeHost(recordedProc());
    const cpu = createLinuxCpuCollector(host);
    expect(await cpu.collect(fast)).toBeUndefined();
    host.files['/proc/stat'] = fixture('linux/stat-2.txt');
    const sample = await cpu.collect(fast);
    // Recorded: 4 busy jiffies of 205 overall, 3/103 on cpu0 and 4/107 on cpu1.
    expect(sample).toEqual({
      usagePct: 1.95,
      perCorePct: [2.91, 3.74],
      iowaitPct: 0,
      load: [0.02, 0.16, 0.14],
    });
    expect(sampleSchema.shape.cpu.safeParse(sample).success).toBe(true);
  });

  it('returns undefined instead of dividing by a zero-length interval', async () => {
    const cpu = createLinuxCpuCollector(fakeHost(recordedProc()));
    await cpu.collect(fast);
    expect(await cpu.collect(fast)).toBeUndefined();
  });

  it('keeps usage without load average when /proc/loadavg is missing', async () => {
    const files = recordedProc();
    delete files['/proc/loadavg'];
    const host = fakeHost(files);
    const cpu = createLinuxCpuCollector(host);
    await cpu.collect(fast);
    host.files['/proc/stat'] = fixture('linux/stat-2.txt');
    expect(await cpu.collect(fast)).not.toHaveProperty('load');
  });

  it('clamps a counter that went backwards to 0%', async () => {
    const host = fakeHost({ '/proc/stat': 'cpu  100 0 100 100 0 0 0 0\ncpu0 100 0 100 100 0 0 0 0\n' });
    const cpu = createLinuxCpuCollector(host);
    await cpu.collect(fast);
    host.files['/proc/stat'] = 'cpu  50 0 50 400 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0\n';
    expect(await cpu.collect(fast)).toMatchObject({ usagePct: 0, perCorePct: [0] });
  });
});

describe('systeminformation CPU collector', () => {
  it('maps currentLoad and load averages on macOS', async () => {
    const cpu = createSiCpuCollector({ si: fakeSi(siRecording('darwin')), loadavg: () => [2.123, 1.5, 1] });
    expect(await cpu.collect(fast)).toEqual({
      usagePct: 23.4,
      perCorePct: [41.5, 5.3],
      load: [2.12, 1.5, 1],
    });
  });

  it('clamps Windows readings above 100% and omits the load average', async () => {
    const sample = await createSiCpuCollector({ si: fakeSi(siRecording('win32')) }).collect(fast);
    expect(sample).toEqual({ usagePct: 100, perCorePct: [100] });
  });
});
