import * as systeminformation from 'systeminformation';
import { createSampler } from '../collectors/index.js';
import { machineFingerprint, SYSTEM_FINGERPRINT_DEPS } from '../identity/fingerprint.js';
import { readHostInfo, systemHostInfoDeps } from '../identity/host-info.js';
import { collectInventory, hashInventory, toInventoryChunks } from '../inventory/index.js';
import type { CliWiring } from './context.js';

/** The real collectors, inventory and machine identity; only the CLI entry point imports this. */
export const SYSTEM_WIRING: CliWiring = {
  sampler: (log) => createSampler({ platform: process.platform, clock: Date.now, log: log.debug }),
  inventory: (log) => ({
    collect: () => collectInventory({ si: systeminformation, clock: Date.now, log: log.debug }),
    hash: hashInventory,
    toChunks: toInventoryChunks,
  }),
  fingerprint: () => machineFingerprint(SYSTEM_FINGERPRINT_DEPS),
  hostInfo: () => readHostInfo(systemHostInfoDeps(SYSTEM_FINGERPRINT_DEPS.readFile)),
};
