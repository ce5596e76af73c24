import { type EffectivePolicy, type Policy, type PolicyLayerScope, resolvePolicy } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { ClientScope } from '../db/client-scope.js';
import type { Database } from '../db/database.js';
import { findHost, type HostRow } from '../repositories/hosts.js';
import { findClientByName, findSiteByName } from '../tenancy/clients.js';
import { currentRevision, layersForHost, type StoredLayer } from './layers.js';

/** What decides which layers apply to a host. */
export type PolicyHost = Pick<HostRow, 'id' | 'client' | 'site' | 'role'>;

/** The entity ids of a host's client and site (hosts carry names; layers are keyed by id). */
export async function hostEntities(
  db: Kysely<Database>,
  host: Pick<PolicyHost, 'client' | 'site'>,
): Promise<{ clientId: string | undefined; siteId: string | undefined }> {
  const client = await findClientByName(db, host.client);
  const site = client && (await findSiteByName(db, client.id, host.site));
  return { clientId: client?.id, siteId: site?.id };
}

export interface HostPolicyView {
  readonly host: HostRow;
  readonly clientId: string | undefined;
  readonly siteId: string | undefined;
  readonly layers: readonly StoredLayer[];
  readonly effective: EffectivePolicy;
}

/** The effective policy of one host with the layers it came from (undefined: no such host in scope). */
export async function hostPolicy(
  db: Kysely<Database>,
  defaults: Policy,
  hostId: string,
  scope?: ClientScope,
): Promise<HostPolicyView | undefined> {
  const host = await findHost(db, hostId, scope);
  if (!host) return undefined;
  const ids = await hostEntities(db, host);
  const layers = await layersForHost(db, { id: host.id, role: host.role, ...ids });
  const effective = resolvePolicy(defaults, layers, await currentRevision(db));
  return { host, ...ids, layers, effective };
}

/** Whether a change to layer (scope, target) reaches this host. */
export function layerReaches(
  change: { scope: PolicyLayerScope; target: string },
  host: PolicyHost & { clientId: string | undefined; siteId: string | undefined },
): boolean {
  switch (change.scope) {
    case 'global':
      return true;
    case 'client':
      return host.clientId === change.target;
    case 'site':
      return host.siteId === change.target;
    case 'role':
      return host.role === change.target;
    case 'host':
      return host.id === change.target;
  }
}
