import { describe, expect, it } from 'vitest';
import { fixture } from '../__fixtures__/fake-host.js';
import { busyJiffies, parseLoadavg, parseProcStat, parseUptime, totalJiffies } from './proc-stat.js';

describe('parseProcStat', () => {
  const stat = parseProcStat(fixture('linux/stat-1.txt'));

  it('reads the total and every online core line', () => {
    expect(stat.total).toEqual({
      user: 14315,
      nice: 0,
      system: 6739,
      idle: 128989,
      iowait: 430,
      irq: 0,
      softirq: 416,
      steal: 0,
    });
    expect([...stat.cores.keys()]).toEqual([0, 1]);
  });

  it('reads boot time and runnable/blocked task counts', () => {
    expect(stat).toMatchObject({ btime: 1795607014, procsRunning: 1, procsBlocked: 0 });
  });

  it('counts iowait as idle, not busy', () => {
    const t = stat.total!;
    expect(totalJiffies(t) - busyJiffies(t)).toBe(t.idle + t.iowait);
  });

  it('tolerates an empty file', () => {
    expect(parseProcStat('')).toMatchObject({ total: undefined, btime: undefined });
  });
});

describe('parseLoadavg and parseUptime', () => {
  it('reads the three load averages', () => {
    expect(parseLoadavg(fixture('linux/loadavg.txt'))).toEqual([0.02, 0.16, 0.14]);
    expect(parseLoadavg('garbage')).toBeUndefined();
  });

  it('reads seconds since boot', () => {
    expect(parseUptime(fixture('linux/uptime.txt'))).toBe(758.78);
    expect(parseUptime('')).toBeUndefined();
  });
});
