import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withPolicyWindows } from '../../policies/policy-windows.js';
import { type HeldSignalRow, listHeldSignals, releaseHeldSignal } from '../../repositories/held-signals.js';
import { findHost } from '../../repositories/hosts.js';
import { insertIncidentEvent } from '../../repositories/incident-events.js';
import { findIncident } from '../../repositories/incidents.js';
import { listEnabledWindows } from '../../repositories/maintenance-windows.js';
import { activeWindow } from '../engine/maintenance.js';
import type { Signal } from '../engine/types.js';
import { hostFacts } from '../facts.js';
import { handleSignal } from '../handle-signal.js';
import type { IncidentRuntime } from '../runtime.js';
import { DEFAULT_SWEEP_BUDGET, yieldToEventLoop } from './slices.js';

/**
 * Release held signals whose reason is over: the maintenance window ended, or the host that was
 * silent is heard again. A signal still held is still failing (a recovery drops it), so its
 * ticket opens now. The delete decides who releases it, so a second sweep does nothing.
 */
export async function releaseHeldSignals(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  now: number,
): Promise<{ released: number }> {
  const windows = (await listEnabledWindows(db)).map((w) => ({ ...w, durationMs: Number(w.duration_ms) }));
  let released = 0;
  const held = [...(await listHeldSignals(db, 'maintenance')), ...(await listHeldSignals(db, 'inhibited'))];
  for (const [index, row] of held.entries()) {
    if (index > 0 && index % DEFAULT_SWEEP_BUDGET.sliceSize === 0) await yieldToEventLoop();
    await db.transaction().execute(async (trx) => {
      if (!(await stillHeld(trx, row, windows, now))) {
        if (!(await releaseHeldSignal(trx, row.dedup_key))) return;
        const signal = JSON.parse(row.signal) as Signal;
        await insertIncidentEvent(trx, runtime.random, {
          incidentId: null,
          key: row.dedup_key,
          at: now,
          actor: 'system',
          kind: 'released',
          detail: { reason: row.reason, ref: row.reason_ref, heldSince: row.held_since },
        });
        await handleSignal(trx, runtime, signal, now);
        released += 1;
      }
    });
  }
  return { released };
}

async function stillHeld(
  trx: Kysely<Database>,
  row: HeldSignalRow,
  windows: Parameters<typeof activeWindow>[0],
  now: number,
): Promise<boolean> {
  if (row.reason === 'inhibited') {
    const silence = row.reason_ref === null ? undefined : await findIncident(trx, row.reason_ref);
    return silence !== undefined && silence.open_key !== null && silence.recovered_at === null;
  }
  const host = row.host_id === null ? undefined : await findHost(trx, row.host_id);
  if (!host) return false;
  const facts = hostFacts(host);
  const judged = await withPolicyWindows(trx, windows, host);
  return (
    activeWindow(judged, { id: host.id, client: host.client, site: host.site, tags: facts.tags }, now) !==
    null
  );
}
