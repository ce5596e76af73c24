import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { hostEntities, type PolicyHost } from './host-policy.js';
import { layersForHost } from './layers.js';

/** The maintenance windows a host's policy names: those of the narrowest layer that names any. */
export async function policyWindowIds(db: Kysely<Database>, host: PolicyHost): Promise<ReadonlySet<string>> {
  const ids = await hostEntities(db, host);
  const layers = await layersForHost(db, { id: host.id, role: host.role, ...ids });
  let named: readonly string[] = [];
  for (const layer of layers)
    if (layer.settings.maintenanceWindows !== undefined) named = layer.settings.maintenanceWindows;
  return new Set(named);
}

/**
 * The windows to judge a host by: every window in force, plus those its policy names, re-scoped
 * to the host so the engine's own scope matching takes them in (a window named by a client's
 * policy covers that client's hosts, whatever scope it was created with).
 */
export async function withPolicyWindows<
  W extends { readonly id: string; readonly scope: string; readonly target: string },
>(db: Kysely<Database>, windows: readonly W[], host: PolicyHost): Promise<W[]> {
  const named = await policyWindowIds(db, host);
  if (named.size === 0) return [...windows];
  const extra = windows.filter((w) => named.has(w.id)).map((w) => ({ ...w, scope: 'host', target: host.id }));
  return [...windows, ...extra];
}
