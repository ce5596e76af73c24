import os from 'node:os';
import { sampleSchema } from '@vigie/shared';
import { describe, expect, it, vi } from 'vitest';
import { manualClock } from './__fixtures__/fake-host.js';
import { fakeSi, siRecording } from './__fixtures__/si-fake.js';
import type { Collector } from './collector.js';
import { createSampler } from './index.js';
import type { SiCollect } from './si.js';

const fast = { slow: false, services: [] };

function collector<K extends Collector['section']>(section: K, collect: Collector<K>['collect']): Collector {
  return { section, collect } as Collector;
}

// A systeminformation whose every call fails the test: the Linux sampler must not use it.
const FORBIDDEN_SI = new Proxy({} as SiCollect, {
  get: (_, name) => () => {
    throw new Error(`systeminformation.${String(name)} called on Linux`);
  },
});

describe('createSampler', () => {
  it('omits the section of a collector that throws, logging each distinct error once', async () => {
    const log = vi.fn();
    const sampler = createSampler({
      platform: 'linux',
      clock: () => 1_800_000_000_000,
      log,
      collectors: [
        collector('memory', async () => {
          throw new Error('boom');
        }),
        collector('uptime', async () => ({ bootTime: 1, uptimeSec: 2 })),
      ],
    });
    expect(await sampler.collect(fast)).toEqual({
      at: 1_800_000_000_000,
      uptime: { bootTime: 1, uptimeSec: 2 },
    });
    await sampler.collect(fast);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[1]).toMatchObject({ section: 'memory', err: 'boom' });
  });

  it('drops a section that would not pass sampleSchema instead of sending it', async () => {
    const log = vi.fn();
    const sampler = createSampler({
      platform: 'linux',
      clock: () => 5,
      log,
      collectors: [
        collector('cpu', async () => ({ usagePct: Number.NaN, perCorePct: [] })),
        collector('uptime', async () => ({ bootTime: 1, uptimeSec: 2 })),
      ],
    });
    expect(await sampler.collect(fast)).toEqual({ at: 5, uptime: { bootTime: 1, uptimeSec: 2 } });
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining('invalid'),
      expect.objectContaining({ section: 'cpu' }),
    );
  });

  it('checks a valid sample with the hand-written check and asks zod only about an invalid one', async () => {
    const safeParse = vi.spyOn(sampleSchema, 'safeParse');
    try {
      let cpu = { usagePct: 12.5, perCorePct: [10, 15] };
      const sampler = createSampler({
        platform: 'linux',
        clock: () => 5,
        log: vi.fn(),
        collectors: [collector('cpu', async () => cpu)],
      });
      expect(await sampler.collect(fast)).toEqual({ at: 5, cpu });
      expect(safeParse).not.toHaveBeenCalled();
      cpu = { usagePct: 101, perCorePct: [] };
      expect(await sampler.collect(fast)).toEqual({ at: 5 });
      expect(safeParse).toHaveBeenCalledTimes(1);
    } finally {
      safeParse.mockRestore();
    }
  });

  it('builds a valid macOS sample from systeminformation over two cycles', async () => {
    const clock = manualClock();
    const rec = siRecording('darwin');
    const sampler = createSampler({
      platform: 'darwin',
      clock: clock.now,
      log: vi.fn(),
      si: fakeSi(rec),
      loadavg: () => [1, 1, 1],
    });
    await sampler.collect(fast);
    clock.advance(5000);
    const sample = await sampler.collect({ slow: true, services: ['sshd'] });
    expect(sampleSchema.safeParse(sample).success).toBe(true);
    expect(Object.keys(sample).sort()).toEqual(
      [
        'at',
        'battery',
        'cpu',
        'diskIo',
        'filesystems',
        'memory',
        'network',
        'processes',
        'services',
        'temperatures',
        'uptime',
      ].sort(),
    );
  });

  it('builds a valid Windows sample, skipping what Windows lacks', async () => {
    const sampler = createSampler({
      platform: 'win32',
      clock: Date.now,
      log: vi.fn(),
      si: fakeSi(siRecording('win32')),
    });
    const sample = await sampler.collect(fast);
    expect(sampleSchema.safeParse(sample).success).toBe(true);
    expect(sample).not.toHaveProperty('battery');
    expect(sample.cpu).not.toHaveProperty('load');
  });
});

describe.runIf(process.platform === 'linux')('the Linux sampler on this machine', () => {
  it('reads plausible CPU, memory and filesystem values from the real /proc', async () => {
    const sampler = createSampler({ platform: 'linux', clock: Date.now, log: () => {}, si: FORBIDDEN_SI });
    await sampler.collect(fast);
    await new Promise((r) => setTimeout(r, 200));
    const sample = await sampler.collect({ slow: true, services: [] });
    expect(sampleSchema.safeParse(sample).success).toBe(true);
    expect(Math.abs((sample.memory?.totalBytes ?? 0) / os.totalmem() - 1)).toBeLessThan(0.01);
    expect(sample.cpu?.perCorePct).toHaveLength(os.cpus().length);
    expect(sample.filesystems?.map((f) => f.mount)).toContain('/');
    expect(sample.processes?.total).toBeGreaterThan(0);
    expect(sample.processes?.topByMemory?.length).toBeGreaterThan(0);
    expect(sample.uptime?.uptimeSec).toBeCloseTo(os.uptime(), -1);
    sampler.close();
  });

  it('spawns no child process on a fast cycle, one systemctl on a slow cycle', async () => {
    const execFile = vi.fn(async () => {
      throw new Error('System has not been booted with systemd as init system (PID 1).');
    });
    const sampler = createSampler({
      platform: 'linux',
      clock: Date.now,
      log: () => {},
      execFile,
      si: FORBIDDEN_SI,
    });
    const request = { services: ['ssh'] };
    await sampler.collect({ ...request, slow: false });
    await sampler.collect({ ...request, slow: false });
    expect(execFile).not.toHaveBeenCalled();
    const slow = await sampler.collect({ ...request, slow: true });
    expect(execFile).toHaveBeenCalledTimes(1);
    expect(slow.services).toEqual([{ name: 'ssh', state: 'unknown' }]);
    sampler.close();
  });
});
