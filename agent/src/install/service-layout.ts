import { posix, win32 } from 'node:path';

/** Operating systems the agent installs itself on as a system service. */
export const SERVICE_PLATFORMS = ['linux', 'darwin', 'win32'] as const;
export type ServicePlatform = (typeof SERVICE_PLATFORMS)[number];

/** The service's name everywhere: systemd unit, Windows service; launchd uses SERVICE_LABEL. */
export const SERVICE_NAME = 'vigie-agent';
export const SERVICE_LABEL = 'com.vigie.agent';

/** Where an installed agent lives on one platform (absolute paths on the target machine). */
export interface ServiceLayout {
  readonly platform: ServicePlatform;
  readonly installDir: string;
  readonly configFile: string;
  /** The CA file copied from `install --ca`, referenced by the config. */
  readonly caFile: string;
  readonly stateDir: string;
  /** The unit or plist file; none on Windows, where the service lives in the registry. */
  readonly serviceFile?: string;
  readonly path: typeof posix | typeof win32;
}

/** The fixed layout per platform; the same paths as the agent's defaults (config, state dir). */
export function serviceLayout(platform: ServicePlatform): ServiceLayout {
  switch (platform) {
    case 'linux':
      return {
        platform,
        installDir: '/opt/vigie-agent',
        configFile: '/etc/vigie/agent.json',
        caFile: '/etc/vigie/hub-ca.pem',
        stateDir: '/var/lib/vigie-agent',
        serviceFile: `/etc/systemd/system/${SERVICE_NAME}.service`,
        path: posix,
      };
    case 'darwin':
      return {
        platform,
        installDir: '/opt/vigie-agent',
        configFile: '/etc/vigie/agent.json',
        caFile: '/etc/vigie/hub-ca.pem',
        stateDir: '/var/lib/vigie-agent',
        serviceFile: `/Library/LaunchDaemons/${SERVICE_LABEL}.plist`,
        path: posix,
      };
    case 'win32':
      return {
        platform,
        installDir: 'C:\\Program Files\\Vigie',
        configFile: 'C:\\ProgramData\\Vigie\\agent.json',
        caFile: 'C:\\ProgramData\\Vigie\\hub-ca.pem',
        stateDir: 'C:\\ProgramData\\Vigie\\state',
        path: win32,
      };
  }
}

/** `path` on the target machine, placed under `root` (tests install into a temporary root). */
export function underRoot(root: string | undefined, path: string): string {
  if (root === undefined) return path;
  // A Windows path keeps its drive letter as a directory, so plans for any OS apply in a test root.
  const relative = path.replace(/^([A-Za-z]):[\\/]/, '$1/').replace(/\\/g, '/');
  return posix.join(root, relative);
}

/** True for the platforms this module knows; anything else cannot install a service. */
export function isServicePlatform(platform: string): platform is ServicePlatform {
  return (SERVICE_PLATFORMS as readonly string[]).includes(platform);
}
