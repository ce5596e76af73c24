import * as systeminformation from 'systeminformation';
import { createSampler } from '../collectors/index.js';
import { machineFingerprint, SYSTEM_FINGERPRINT_DEPS } from '../identity/fingerprint.js';
import { readHostInfo, systemHostInfoDeps } from '../identity/host-info.js';
import {
  collectAntivirus,
  collectInventory,
  collectSoftware,
  collectUpdates,
  hashInventory,
  SYSTEM_INVENTORY_IO,
  toInventoryChunks,
} from '../inventory/index.js';
import type { CliWiring } from './context.js';

/** The real collectors, inventory and machine identity; only the CLI entry point imports this. */
export const SYSTEM_WIRING: CliWiring = {
  sampler: (log) => createSampler({ platform: process.platform, clock: Date.now, log: log.debug }),
  inventory: (log) => ({
    collect: () => {
      const platform = process.platform;
      const io = SYSTEM_INVENTORY_IO;
      return collectInventory({
        si: systeminformation,
        clock: Date.now,
        log: log.debug,
        software: () => collectSoftware({ io, platform, log: log.debug }),
        updates: () => collectUpdates({ io, platform, log: log.debug }),
        antivirus: () => collectAntivirus({ io, platform, log: log.debug }),
      });
    },
    hash: hashInventory,
    toChunks: toInventoryChunks,
  }),
  fingerprint: () => machineFingerprint(SYSTEM_FINGERPRINT_DEPS),
  hostInfo: () => readHostInfo(systemHostInfoDeps(SYSTEM_FINGERPRINT_DEPS.readFile)),
};
