import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { handleSignal } from '../incidents/handle-signal.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { findHost } from '../repositories/hosts.js';
import { deviceSignal } from './device-signal.js';
import type { ProbeRow } from './store.js';

/**
 * A probe removed or disabled can no longer recover what it opened: say `ok` for each check it
 * left failing, so its incidents resolve like any recovered fault instead of waiting to go stale.
 */
export async function retireProbeSignals(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  probe: ProbeRow,
  reason: string,
  now: number,
): Promise<void> {
  const device = await findHost(trx, probe.device_host_id);
  if (!device) return;
  const failing = [
    ['probe.down', probe.down_state],
    ['probe.latency', probe.latency_state],
  ] as const;
  for (const [check, state] of failing) {
    if (state === 'ok') continue;
    const signal = deviceSignal(device, probe, check, {
      state: 'ok',
      observedAt: now,
      value: null,
      threshold: null,
      message: `${probe.name}: ${reason}`,
    });
    await handleSignal(trx, runtime, signal, now, 'hub');
  }
}
