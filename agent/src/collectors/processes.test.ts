import { sampleSchema } from '@vigie/shared';
import { describe, expect, it, vi } from 'vitest';
import { fakeHost, manualClock, recordedProc } from './__fixtures__/fake-host.js';
import { fakeSi, siRecording } from './__fixtures__/si-fake.js';
import { createLinuxProcessesCollector } from './processes.linux.js';
import { createSiProcessesCollector } from './processes.si.js';

const fast = { slow: false, services: [] };
const slow = { slow: true, services: [] };

function pidStat(pid: number, comm: string, ticks: number, start: number): string {
  return `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 ${start} 0 0\n`;
}

function host() {
  const files = {
    ...recordedProc(),
    '/proc/uptime': '1000.00 1800.00\n',
    '/proc/100/stat': pidStat(100, 'postgres', 5000, 10_000),
    '/proc/100/status': 'Name:\tpostgres\nUid:\t1\t1\t1\t1\nVmRSS:\t  204800 kB\n',
    '/proc/2/stat': pidStat(2, 'kthreadd', 0, 0),
    '/proc/2/status': 'Name:\tkthreadd\nUid:\t0\t0\t0\t0\n',
  };
  return fakeHost(files);
}

describe('Linux processes collector', () => {
  it('counts processes every cycle without reading any /proc/[pid]', async () => {
    const h = host();
    const readFile = vi.fn(h.readFile);
    const sample = await createLinuxProcessesCollector({
      ...h,
      readFile,
      clock: Date.now,
      log: vi.fn(),
    }).collect(fast);
    expect(sample).toEqual({ total: 3, running: 1, blocked: 0 });
    expect(readFile.mock.calls.map(([p]) => p)).toEqual(['/proc/stat']);
  });

  it('adds top processes on slow cycles: lifetime average first, then the delta', async () => {
    const h = host();
    const clock = manualClock();
    const procs = createLinuxProcessesCollector({ ...h, clock: clock.now, log: vi.fn() });
    const first = await procs.collect(slow);
    // postgres: 50 s of CPU over the 900 s since it started (uptime 1000 s, start at 100 s).
    expect(first?.topByCpu?.[0]).toEqual({
      pid: 100,
      name: 'postgres',
      user: 'daemon',
      cpuPct: 5.6,
      memBytes: 204800 * 1024,
    });
    expect(first?.topByMemory?.map((p) => p.pid)).toEqual([100, 5832, 2]);
    expect(sampleSchema.shape.processes.safeParse(first).success).toBe(true);

    h.files['/proc/100/stat'] = pidStat(100, 'postgres', 5000 + 1500, 10_000);
    clock.advance(10_000);
    const second = await procs.collect(slow);
    // 15 s of CPU in 10 s: one and a half cores.
    expect(second?.topByCpu?.[0]).toMatchObject({ pid: 100, cpuPct: 150 });
  });

  it('does not attribute an old reading to a new process that reused the pid', async () => {
    const h = host();
    const clock = manualClock();
    const procs = createLinuxProcessesCollector({ ...h, clock: clock.now, log: vi.fn() });
    await procs.collect(slow);
    h.files['/proc/100/stat'] = pidStat(100, 'newcomer', 10, 99_000);
    clock.advance(10_000);
    const sample = await procs.collect(slow);
    expect(sample?.topByCpu?.find((p) => p.pid === 100)).toMatchObject({ name: 'newcomer', cpuPct: 1 });
  });

  it('ignores a process that exits between readdir and read', async () => {
    const h = host();
    h.files['/proc/300/cmdline'] = '';
    const sample = await createLinuxProcessesCollector({ ...h, clock: Date.now, log: vi.fn() }).collect(slow);
    expect(sample?.total).toBe(4);
    expect(sample?.topByCpu?.map((p) => p.pid)).not.toContain(300);
  });
});

describe('systeminformation processes collector', () => {
  it('collects nothing on fast cycles (ps is too heavy there)', async () => {
    const processes = vi.fn();
    const si = { ...fakeSi(siRecording('darwin')), processes };
    expect(await createSiProcessesCollector({ si }).collect(fast)).toBeUndefined();
    expect(processes).not.toHaveBeenCalled();
  });

  it('maps counts and tops on slow cycles, RSS from KiB', async () => {
    const sample = await createSiProcessesCollector({ si: fakeSi(siRecording('darwin')) }).collect(slow);
    expect(sample).toMatchObject({ total: 612, running: 3, blocked: 0 });
    expect(sample?.topByCpu?.[0]).toEqual({
      pid: 812,
      name: 'WindowServer',
      user: '_windowserver',
      cpuPct: 12.5,
      memBytes: 360448 * 1024,
    });
    expect(sample?.topByMemory?.[0]?.name).toBe('Safari');
  });
});
