import { describe, expect, it } from 'vitest';
import { fixture } from '../__fixtures__/fake-host.js';
import { parseMeminfo } from './meminfo.js';

describe('parseMeminfo', () => {
  it('converts kB values to bytes', () => {
    const info = parseMeminfo(fixture('linux/meminfo.txt'));
    expect(info.get('MemTotal')).toBe(24683620 * 1024);
    expect(info.get('MemAvailable')).toBe(24119640 * 1024);
    expect(info.get('SwapTotal')).toBe(0);
  });

  it('keeps unitless counters as they are', () => {
    expect(parseMeminfo('HugePages_Total:       4\n').get('HugePages_Total')).toBe(4);
  });
});
