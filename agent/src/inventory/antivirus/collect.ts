import type { DropLog, Facts } from '../facts.js';
import type { InventoryIo } from '../io.js';
import { CLAMAV_DAILY_PATHS, parseClamavHeader } from './clamav.js';

/**
 * The machine's antivirus as inventory facts (`product`, `enabled`, `signaturesAt`…). Linux:
 * ClamAV's signature database header. Empty when none is found; Windows (Security Center,
 * Defender) is parsed by `security-center.ts` but not run by this build.
 */
export async function collectAntivirus(deps: {
  io: InventoryIo;
  platform: string;
  log?: DropLog;
}): Promise<Facts> {
  if (deps.platform !== 'linux') return {};
  for (const path of CLAMAV_DAILY_PATHS) {
    // Only the header: the database itself is tens of megabytes.
    const bytes = await deps.io.readFile(path, 512);
    if (bytes === undefined) continue;
    const facts = parseClamavHeader(new TextDecoder('latin1').decode(bytes));
    if (facts) return facts;
    deps.log?.('clamav database header unreadable', { path });
  }
  return {};
}
