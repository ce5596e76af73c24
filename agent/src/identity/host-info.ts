import os from 'node:os';
import { LIMITS, OS_PLATFORMS, type OsInfo, type OsPlatform } from '@vigie/shared';
import type { ReadSystemFile } from './fingerprint.js';

/** The hostname and OS facts the agent announces in hello and at enrolment. */
export interface HostInfo {
  readonly hostname: string;
  readonly os: OsInfo;
}

export interface HostInfoDeps {
  readonly platform: NodeJS.Platform;
  readonly hostname: () => string;
  readonly kernel: () => string;
  readonly arch: string;
  readonly readFile: ReadSystemFile;
}

const cut = (value: string) => value.slice(0, LIMITS.maxNameLength);

/** Values of /etc/os-release (`KEY=value`, optionally quoted). */
function parseOsRelease(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1]!, match[2]!.replace(/^["']|["']$/g, ''));
  }
  return values;
}

/** Reads hostname and OS without spawning anything (os-release on Linux, node:os elsewhere). */
export async function readHostInfo(deps: HostInfoDeps): Promise<HostInfo> {
  const platform: OsPlatform = (OS_PLATFORMS as readonly string[]).includes(deps.platform)
    ? (deps.platform as OsPlatform)
    : 'other';
  let distro = '';
  let release = '';
  if (deps.platform === 'linux') {
    const text =
      (await deps.readFile('/etc/os-release')) ?? (await deps.readFile('/usr/lib/os-release')) ?? '';
    const values = parseOsRelease(text);
    distro = values.get('NAME') ?? '';
    release = values.get('VERSION_ID') ?? '';
  }
  return {
    hostname: cut(deps.hostname() || 'unknown'),
    os: {
      platform,
      distro: cut(distro),
      release: cut(release),
      kernel: cut(deps.kernel()),
      arch: cut(deps.arch),
    },
  };
}

/** The real sources of host facts. */
export function systemHostInfoDeps(readFile: ReadSystemFile): HostInfoDeps {
  return {
    platform: process.platform,
    hostname: os.hostname,
    kernel: os.release,
    arch: process.arch,
    readFile,
  };
}
