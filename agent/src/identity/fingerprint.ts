import { createHash } from 'node:crypto';
import { readFile } from '../runtime/fs-async.js';

/** Reads a small system file; `undefined` when it is missing or unreadable (not root, other OS). */
export type ReadSystemFile = (path: string) => Promise<string | undefined>;

export interface FingerprintDeps {
  readonly platform: NodeJS.Platform;
  readonly readFile: ReadSystemFile;
  /** Stable identifiers from `systeminformation.uuid()` on platforms without a machine-id file. */
  readonly systemUuids: () => Promise<{ readonly os?: string; readonly hardware?: string }>;
}

export type FingerprintResult =
  | { readonly ok: true; readonly fingerprint: string; readonly sources: readonly string[] }
  | { readonly ok: false; readonly message: string };

const MACHINE_ID_PATHS = ['/etc/machine-id', '/var/lib/dbus/machine-id'] as const;
const PRODUCT_UUID_PATH = '/sys/class/dmi/id/product_uuid';

/** Placeholder values firmware vendors ship instead of a real UUID; they identify nothing. */
const PLACEHOLDER_UUIDS = new Set([
  '',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
]);

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim().toLowerCase();
  return trimmed && !PLACEHOLDER_UUIDS.has(trimmed) ? trimmed : undefined;
}

async function firstReadable(read: ReadSystemFile, paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    const value = clean(await read(path));
    if (value) return value;
  }
  return undefined;
}

/**
 * A stable machine fingerprint: sha256 (hex) of the OS install id plus the hardware UUID when
 * readable. The hub binds the credential to it, so a credential copied to (or cloned with) another
 * machine is refused. Note: product_uuid is root-only on Linux; enrol and run with the same user.
 */
export async function machineFingerprint(deps: FingerprintDeps): Promise<FingerprintResult> {
  const parts: Array<[string, string]> = [];
  if (deps.platform === 'linux') {
    const machineId = await firstReadable(deps.readFile, MACHINE_ID_PATHS);
    if (machineId) parts.push(['machine-id', machineId]);
    const productUuid = clean(await deps.readFile(PRODUCT_UUID_PATH));
    if (productUuid) parts.push(['product-uuid', productUuid]);
  } else {
    const uuids = await deps.systemUuids();
    const os = clean(uuids.os);
    const hardware = clean(uuids.hardware);
    if (os) parts.push(['os-uuid', os]);
    if (hardware) parts.push(['hardware-uuid', hardware]);
  }
  if (parts.length === 0) {
    return { ok: false, message: 'no machine identifier found (no readable /etc/machine-id or system UUID)' };
  }
  const hash = createHash('sha256');
  for (const [key, value] of parts) hash.update(`${key}=${value}\n`);
  return { ok: true, fingerprint: hash.digest('hex'), sources: parts.map(([key]) => key) };
}

/** The real readers: files through `fs`, UUIDs through systeminformation (loaded only when needed). */
export const SYSTEM_FINGERPRINT_DEPS: FingerprintDeps = {
  platform: process.platform,
  readFile: async (path) => {
    try {
      return await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  systemUuids: async () => {
    const si = await import('systeminformation');
    const { os, hardware } = await si.uuid();
    return { os, hardware };
  },
};
