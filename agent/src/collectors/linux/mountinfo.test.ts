import { describe, expect, it } from 'vitest';
import { fixture } from '../__fixtures__/fake-host.js';
import { parseMountinfo } from './mountinfo.js';

describe('parseMountinfo', () => {
  it('reads device id, root, mount point, type and source of this machine', () => {
    const root = parseMountinfo(fixture('linux/mountinfo.txt')).find((m) => m.mount === '/');
    expect(root).toEqual({ devId: '254:0', root: '/', mount: '/', fsType: 'ext4', device: '/dev/vda' });
  });

  it('decodes octal escapes and skips optional fields', () => {
    const entries = parseMountinfo(fixture('linux/mountinfo-desktop.txt'));
    expect(entries.find((m) => m.device === '/dev/sda1')?.mount).toBe('/mnt/My Backup');
    expect(entries.find((m) => m.mount === '/srv/data')).toMatchObject({ root: '/data', fsType: 'btrfs' });
  });

  it('skips malformed lines', () => {
    expect(parseMountinfo('nonsense\n\n')).toEqual([]);
  });
});
