import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Signal } from '../incidents/engine/types.js';
import { dedupKey, hostFacts } from '../incidents/facts.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { listHostUpdates } from '../repositories/host-updates.js';
import { findHost } from '../repositories/hosts.js';
import { signalStage } from './stage-signal.js';

/** Security updates may wait this long (from the hub's first sight) before a ticket opens. */
export const DEFAULT_SECURITY_UPDATES_MAX_AGE_MS = 14 * 86_400_000;

/**
 * Open an `updates.security` incident (a warning: N1 by default) for each host whose security
 * updates have been pending longer than `maxAgeMs`, and recover it once none are pending.
 */
export async function sweepSecurityUpdates(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  maxAgeMs: number,
  now: number,
): Promise<{ signalled: number }> {
  let signalled = 0;
  for (const row of await listHostUpdates(db)) {
    const host = await findHost(db, row.host_id);
    if (!host) continue;
    const since = row.security_since === null ? null : Number(row.security_since);
    const overdue = since !== null && now - since >= maxAgeMs;
    const days = since === null ? 0 : Math.floor((now - since) / 86_400_000);
    const signal: Signal = {
      key: dedupKey(host.client, host.id, 'updates.security', ''),
      client: host.client,
      site: host.site,
      host: hostFacts(host),
      check: 'updates.security',
      resource: '',
      state: overdue ? 'warning' : 'ok',
      observedAt: now,
      value: row.security,
      threshold: Math.round(maxAgeMs / 86_400_000),
      message: overdue
        ? `${row.security} security update(s) pending for ${days} day(s)${row.reboot_required ? ', reboot pending' : ''}`
        : 'no security update pending for too long',
    };
    if (await signalStage(db, runtime, signal, 'overdue', now)) signalled += 1;
  }
  return { signalled };
}
