import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { recordHostAntivirus } from '../repositories/host-antivirus.js';
import { recordHostUpdates, type UpdateFacts } from '../repositories/host-updates.js';
import { replaceHostHardware } from '../repositories/inventory-hardware.js';
import { replaceHostSoftware } from '../repositories/inventory-software.js';
import { insertInventoryChanges } from './changes-store.js';
import { diffInventory } from './diff.js';
import { type FactsView, type SnapshotView, snapshotView } from './snapshot-view.js';

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** What the fleet is searched by: serial (warranty files), maker and model, memory. */
export function hardwareFacts(view: SnapshotView) {
  const installed = view.memoryModules.reduce(
    (sum, m) => sum + (typeof m.size === 'number' && Number.isFinite(m.size) ? m.size : 0),
    0,
  );
  const seen = view.hardware.memTotal;
  return {
    serial: text(view.hardware.serial),
    manufacturer: text(view.hardware.manufacturer),
    model: text(view.hardware.model),
    // Installed modules when they can be read, else what the OS sees (VMs, no root).
    // bigint column: whole bytes, whatever the agent sent.
    memory_bytes:
      Math.round(installed) > 0
        ? Math.round(installed)
        : typeof seen === 'number' && seen >= 1
          ? Math.round(seen)
          : null,
  };
}

function updateFacts(updates: FactsView): UpdateFacts | undefined {
  if (Object.keys(updates).length === 0) return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    manager: typeof updates.manager === 'string' ? updates.manager : null,
    pending: num(updates.pending),
    security: num(updates.security),
    rebootRequired: updates.rebootRequired === true,
  };
}

/**
 * Everything a new complete snapshot changes besides the stored JSON: the changes since the
 * previous snapshot (none for the first, which is the baseline), the host's software rows for
 * fleet search, and its pending updates. Runs in the caller's transaction.
 */
export async function recordSnapshot(
  trx: Kysely<Database>,
  hostId: string,
  previous: Record<string, unknown> | undefined,
  next: Record<string, unknown>,
  now: number,
): Promise<{ changes: number }> {
  const after = snapshotView(next);
  const changes = previous === undefined ? [] : diffInventory(snapshotView(previous), after);
  await insertInventoryChanges(trx, hostId, now, changes);
  await replaceHostSoftware(trx, hostId, after.software);
  await replaceHostHardware(trx, hostId, hardwareFacts(after), now);
  const updates = updateFacts(after.updates);
  if (updates) await recordHostUpdates(trx, hostId, updates, now);
  const av = after.antivirus;
  if (typeof av.product === 'string') {
    const at =
      typeof av.signaturesAt === 'number'
        ? av.signaturesAt
        : typeof av.updatedAt === 'number'
          ? av.updatedAt
          : null;
    await recordHostAntivirus(
      trx,
      hostId,
      {
        product: av.product,
        enabled: typeof av.enabled === 'boolean' ? av.enabled : null,
        signaturesAt: at,
        upToDate: typeof av.signaturesUpToDate === 'boolean' ? av.signaturesUpToDate : null,
      },
      now,
    );
  }
  return { changes: changes.length };
}
