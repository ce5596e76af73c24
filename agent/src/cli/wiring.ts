import { createSmartCheck } from '../checks/smart.js';
import { createSampler } from '../collectors/index.js';
import { createSmartReader } from '../collectors/smart/reader.js';
import { systemSmartctl } from '../collectors/smart/run.js';
import { machineFingerprint, SYSTEM_FINGERPRINT_DEPS } from '../identity/fingerprint.js';
import { readHostInfo, systemHostInfoDeps } from '../identity/host-info.js';
import { collectInventoryOffLoop, type ProbeResult } from '../inventory/index.js';
import type { InventorySource } from '../runtime/agent.js';
import type { CliWiring } from './context.js';

/** The real collectors, inventory and machine identity; only the CLI entry point imports this. */
export const SYSTEM_WIRING: CliWiring = {
  sampler: (log) => createSampler({ platform: process.platform, clock: Date.now, log: log.debug }),
  // Collected in a child process so the agent's event loop never waits on it.
  inventory: (log): InventorySource<ProbeResult> => ({
    collect: () => collectInventoryOffLoop(log),
    hash: (result) => result.hash,
    toChunks: (result) => [...result.chunks],
  }),
  // "Not available" (no smartctl, virtual disks) is said once at info level, never as a check.
  smart: (log) =>
    createSmartCheck({
      reader: createSmartReader({ run: systemSmartctl(), clock: Date.now, log: log.info }),
    }),
  fingerprint: () => machineFingerprint(SYSTEM_FINGERPRINT_DEPS),
  hostInfo: () => readHostInfo(systemHostInfoDeps(SYSTEM_FINGERPRINT_DEPS.readFile)),
};
