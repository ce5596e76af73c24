import { createHash } from 'node:crypto';
import type { HostRole, OsInfo } from '@vigie/shared';

/** Who one simulated host is: the same index always gives the same host, across runs. */
export interface SimHostPlan {
  readonly index: number;
  readonly hostname: string;
  readonly site: string;
  readonly role: HostRole;
  /** Meant to be tagged `production`; the API has no way to set tags yet, so it is only recorded. */
  readonly production: boolean;
  readonly fingerprint: string;
  readonly os: OsInfo;
}

const SERVER_OS: readonly OsInfo[] = [
  { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0-28-amd64', arch: 'x64' },
  { platform: 'linux', distro: 'Ubuntu', release: '22.04', kernel: '5.15.0-126-generic', arch: 'x64' },
  { platform: 'linux', distro: 'Rocky Linux', release: '9.5', kernel: '5.14.0-503.el9.x86_64', arch: 'x64' },
  {
    platform: 'win32',
    distro: 'Microsoft Windows Server 2022 Standard',
    release: '10.0.20348',
    kernel: '10.0.20348',
    arch: 'x64',
  },
];
const WORKSTATION_OS: readonly OsInfo[] = [
  {
    platform: 'win32',
    distro: 'Microsoft Windows 11 Pro',
    release: '10.0.22631',
    kernel: '10.0.22631',
    arch: 'x64',
  },
  {
    platform: 'win32',
    distro: 'Microsoft Windows 10 Pro',
    release: '10.0.19045',
    kernel: '10.0.19045',
    arch: 'x64',
  },
  { platform: 'darwin', distro: 'macOS', release: '14.7', kernel: '23.6.0', arch: 'arm64' },
  { platform: 'linux', distro: 'Ubuntu', release: '24.04', kernel: '6.8.0-49-generic', arch: 'x64' },
];

/** Site names `site-01`…: zero-padded so they sort and read the same in every listing. */
export function siteName(siteIndex: number, sites: number): string {
  return `site-${String(siteIndex + 1).padStart(Math.max(2, String(sites).length), '0')}`;
}

/**
 * The fleet's hosts, dealt round-robin over the sites: one in ten is a server (half of those
 * production), the OS mix follows the role, and the fingerprint hashes client and index so a
 * rerun presents the same machines.
 */
export function planFleet(client: string, agents: number, sites: number): SimHostPlan[] {
  const digits = Math.max(4, String(Math.ceil(agents / sites)).length);
  return Array.from({ length: agents }, (_, index) => {
    const site = siteName(index % sites, sites);
    const inSite = Math.floor(index / sites) + 1;
    const role: HostRole = index % 10 === 0 ? 'server' : 'workstation';
    const osList = role === 'server' ? SERVER_OS : WORKSTATION_OS;
    const hash = createHash('sha256').update(`vigie-sim|${client}|${index}`).digest('hex');
    return {
      index,
      hostname: `sim-${site}-${String(inSite).padStart(digits, '0')}`,
      site,
      role,
      production: index % 20 === 0,
      fingerprint: `sim:${hash.slice(0, 32)}`,
      os: osList[Number.parseInt(hash.slice(32, 36), 16) % osList.length]!,
    };
  });
}
