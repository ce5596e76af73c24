import { describe, expect, it } from 'vitest';
import { readHostInfo } from './host-info.js';

describe('readHostInfo', () => {
  it('reads the distribution from os-release on Linux', async () => {
    const info = await readHostInfo({
      platform: 'linux',
      hostname: () => 'srv-db-01',
      kernel: () => '6.1.0-18-amd64',
      arch: 'x64',
      readFile: async (path) =>
        path === '/etc/os-release'
          ? 'PRETTY_NAME="Debian GNU/Linux 12"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n'
          : undefined,
    });
    expect(info).toEqual({
      hostname: 'srv-db-01',
      os: {
        platform: 'linux',
        distro: 'Debian GNU/Linux',
        release: '12',
        kernel: '6.1.0-18-amd64',
        arch: 'x64',
      },
    });
  });

  it('maps platforms the protocol does not name to "other"', async () => {
    const info = await readHostInfo({
      platform: 'android',
      hostname: () => '',
      kernel: () => '5.10',
      arch: 'arm64',
      readFile: async () => undefined,
    });
    expect(info.os.platform).toBe('other');
    expect(info.hostname).toBe('unknown');
  });
});
