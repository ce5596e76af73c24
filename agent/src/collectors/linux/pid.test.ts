import { describe, expect, it } from 'vitest';
import { fixture } from '../__fixtures__/fake-host.js';
import { parsePasswd, parsePidStat, parsePidStatus } from './pid.js';

describe('parsePidStat', () => {
  it('reads comm, CPU ticks and start time of a recorded process', () => {
    expect(parsePidStat(fixture('linux/pid-stat.txt'))).toEqual({
      pid: 5832,
      comm: 'bash',
      cpuTicks: 6 + 9,
      startTicks: 64258,
    });
  });

  it('keeps spaces and parentheses inside comm', () => {
    const line = '42 (Web (Content) x) S 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 999 0 0';
    expect(parsePidStat(line)).toMatchObject({ comm: 'Web (Content) x', cpuTicks: 10, startTicks: 999 });
  });

  it('rejects a truncated line', () => {
    expect(parsePidStat('42 (x) S 1')).toBeUndefined();
  });
});

describe('parsePidStatus and parsePasswd', () => {
  it('reads uid and resident memory', () => {
    expect(parsePidStatus(fixture('linux/pid-status.txt'))).toEqual({ uid: 0, rssBytes: 4100 * 1024 });
    expect(parsePidStatus('Name:\tkthreadd\nUid:\t0\t0\t0\t0\n')).toEqual({ uid: 0, rssBytes: 0 });
  });

  it('maps uids to user names', () => {
    expect(parsePasswd(fixture('linux/passwd.txt')).get(1)).toBe('daemon');
  });
});
