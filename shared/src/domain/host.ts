import { z } from 'zod';
import { name, optionalName } from '../protocol/primitives.js';

/** What a machine is for; drives impact, hence priority and level routing. */
export const HOST_ROLES = ['server', 'workstation'] as const;
export type HostRole = (typeof HOST_ROLES)[number];

export const OS_PLATFORMS = [
  'linux',
  'darwin',
  'win32',
  'freebsd',
  'openbsd',
  'sunos',
  'aix',
  'other',
] as const;
export type OsPlatform = (typeof OS_PLATFORMS)[number];

/** Operating system as the agent reports it in `hello`. */
export const osInfoSchema = z.object({
  platform: z.enum(OS_PLATFORMS),
  distro: optionalName,
  release: optionalName,
  kernel: optionalName,
  arch: name,
});
export type OsInfo = z.infer<typeof osInfoSchema>;
