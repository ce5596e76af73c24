import { HOST_ROLES, POLICY_LAYER_SCOPES, type PolicyLayerScope } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../../../../db/database.js';
import { findHostIdByHostname } from '../../../../hosts/store.js';
import { findHost } from '../../../../repositories/hosts.js';
import { findClient, findSite } from '../../../../tenancy/clients.js';
import { BASE } from '../../../env.js';

// Which layer a page is about: its link, its scope, its name.

export const layerHref = (scope: PolicyLayerScope, target: string) =>
  `${BASE}/admin/policies/layer?${new URLSearchParams({ scope, target }).toString()}`;

export function isScope(value: string): value is PolicyLayerScope {
  return (POLICY_LAYER_SCOPES as readonly string[]).includes(value);
}

/** What a layer is called on the page (names, not ids); undefined when its target does not exist. */
export async function describeLayer(
  db: Kysely<Database>,
  scope: PolicyLayerScope,
  target: string,
): Promise<string | undefined> {
  switch (scope) {
    case 'global':
      return target === '' ? '' : undefined;
    case 'role':
      return (HOST_ROLES as readonly string[]).includes(target) ? target : undefined;
    case 'client':
      return (await findClient(db, target))?.name;
    case 'site': {
      const site = await findSite(db, target);
      const client = site && (await findClient(db, site.client_id));
      return site && `${client?.name ?? '?'}/${site.name}`;
    }
    case 'host':
      return (await findHost(db, target))?.hostname;
  }
}

/** The layer a request names; undefined when its scope or target does not exist (a 404). */
export async function layerOf(db: Kysely<Database>, scopeText: string, targetText: string) {
  const scope = isScope(scopeText) ? scopeText : undefined;
  let target = scope === 'global' ? '' : targetText.trim().slice(0, 256);
  // A host layer may be asked for by hostname too (the form says "host").
  if (scope === 'host' && !(await findHost(db, target)))
    target = (await findHostIdByHostname(db, target)) ?? target;
  const label = scope && (await describeLayer(db, scope, target));
  return scope && label !== undefined ? { scope, target, label } : undefined;
}
