import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Signal } from '../incidents/engine/types.js';
import { dedupKey, hostFacts } from '../incidents/facts.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { listHostAntivirus } from '../repositories/host-antivirus.js';
import { findHost } from '../repositories/hosts.js';
import { signalStage } from './stage-signal.js';

/** Signatures older than this are stale (vendors publish several times a day). */
export const DEFAULT_SIGNATURES_MAX_AGE_MS = 7 * 86_400_000;

/** Why a host's antivirus is a fault, or undefined when it is fine. */
export function antivirusFault(
  av: { enabled: number | null; signatures_at: number | null; up_to_date: number | null },
  now: number,
  maxAgeMs: number,
): string | undefined {
  if (av.enabled === 0) return 'antivirus off or expired';
  if (av.up_to_date === 0) return 'antivirus reports its signatures out of date';
  if (av.signatures_at !== null && now - Number(av.signatures_at) > maxAgeMs) {
    return `signatures ${Math.floor((now - Number(av.signatures_at)) / 86_400_000)} day(s) old`;
  }
  return undefined;
}

/**
 * Open `antivirus.stale` for hosts whose antivirus is off or whose signatures are stale —
 * critical (higher urgency) on a server, a warning on a workstation — and recover it after.
 */
export async function sweepAntivirus(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  now: number,
  maxAgeMs: number = DEFAULT_SIGNATURES_MAX_AGE_MS,
): Promise<{ signalled: number }> {
  let signalled = 0;
  for (const av of await listHostAntivirus(db)) {
    const host = await findHost(db, av.host_id);
    if (!host) continue;
    const fault = antivirusFault(av, now, maxAgeMs);
    const severity = host.role === 'server' ? 'critical' : 'warning';
    const signal: Signal = {
      key: dedupKey(host.client, host.id, 'antivirus.stale', ''),
      client: host.client,
      site: host.site,
      host: hostFacts(host),
      check: 'antivirus.stale',
      resource: '',
      state: fault ? severity : 'ok',
      observedAt: now,
      value: av.signatures_at === null ? null : Math.floor((now - Number(av.signatures_at)) / 86_400_000),
      threshold: Math.round(maxAgeMs / 86_400_000),
      message: fault ? `${av.product}: ${fault}` : `${av.product} up to date`,
      text: { code: 'antivirus.stale', params: { hostname: host.hostname, product: av.product } },
    };
    if (await signalStage(db, runtime, signal, fault ? 'fault' : 'ok', now)) signalled += 1;
  }
  return { signalled };
}
