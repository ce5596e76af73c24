import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { withPolicyWindows } from '../policies/policy-windows.js';
import { findHeldSignal } from '../repositories/held-signals.js';
import {
  countCheckOpenedSince,
  findLastClosedIncident,
  findOpenIncident,
  listOpenOnHost,
} from '../repositories/incidents.js';
import { listEnabledWindows } from '../repositories/maintenance-windows.js';
import type { SignalContext } from './engine/decide-signal.js';
import { NO_GROUPING, siteKey, stormKey } from './engine/grouping.js';
import { activeWindow } from './engine/maintenance.js';
import type { IncidentSettings } from './engine/settings.js';
import type { Signal } from './engine/types.js';
import { dedupKey, incidentFacts } from './facts.js';
import type { UpstreamState } from './upstream.js';

/** Read, inside the caller's transaction, everything the engine needs to decide on a signal. */
export async function readSignalContext(
  trx: Kysely<Database>,
  signal: Signal,
  settings: IncidentSettings,
  now: number,
  upstream: UpstreamState,
): Promise<SignalContext> {
  const open = await findOpenIncident(trx, signal.key);
  const held = (await findHeldSignal(trx, signal.key)) !== undefined;
  const base = { held, inhibitedBy: null, maintenance: null, grouping: NO_GROUPING };
  // Only a trigger with nothing open needs the rest; recoveries and repeats stay cheap.
  if (open || signal.state === 'ok') {
    return { ...base, open: open ? incidentFacts(open) : undefined, last: undefined };
  }
  const lastRow = await findLastClosedIncident(trx, signal.key);
  const last = lastRow ? incidentFacts(lastRow) : undefined;
  const host = signal.host;
  if (!host) return { ...base, open: undefined, last };

  const silent = await findOpenIncident(trx, dedupKey(signal.client, host.id, 'host.silent', ''));
  // A host back on line (silence recovering) no longer inhibits: its checks speak for themselves.
  const inhibitedBy = silent && silent.recovered_at === null ? silent.id : null;
  const upstreamDown = await upstream.downIncident(trx, host.id);
  // Windows in force, and those the host's policy layers name (policies/policy-windows.ts).
  const windows = await withPolicyWindows(trx, await listEnabledWindows(trx), {
    id: host.id,
    client: signal.client,
    site: signal.site,
    role: host.role,
  });
  const window = activeWindow(
    windows.map((w) => ({ ...w, durationMs: Number(w.duration_ms) })),
    { id: host.id, client: signal.client, site: signal.site, tags: host.tags },
    now,
  );
  const siblings = (await listOpenOnHost(trx, host.id)).filter((row) => row.dedup_key !== signal.key);
  const stormParent = await findOpenIncident(trx, stormKey(signal.client, signal.check));
  const siteParent =
    signal.check === 'host.silent'
      ? await findOpenIncident(trx, siteKey(signal.client, signal.site))
      : undefined;
  return {
    open: undefined,
    last,
    held,
    inhibitedBy,
    upstreamDown,
    maintenance: window?.id ?? null,
    grouping: {
      hostSiblings: siblings.map((row) => ({
        id: row.id,
        check: row.check,
        openedAt: Number(row.opened_at),
        parentId: row.parent_id,
      })),
      stormCount: await countCheckOpenedSince(trx, {
        client: signal.client,
        check: signal.check,
        since: now - settings.stormPeriodMs,
      }),
      stormParentId: stormParent?.id ?? null,
      siteParentId: siteParent?.id ?? null,
      parents: new Map(
        [...siblings, stormParent, siteParent].flatMap((row) =>
          row ? [[row.id, incidentFacts(row)] as const] : [],
        ),
      ),
    },
  };
}
