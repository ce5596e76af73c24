import {
  type Policy,
  type PolicyLayer,
  type PolicyLayerScope,
  type PolicyLayerSettings,
  type PolicyProblem,
  resolvePolicy,
} from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import type { LiveSession } from '../ingest/live-sessions.js';
import { findClient, findSite } from '../tenancy/clients.js';
import { hostEntities, hostPolicy, layerReaches } from './host-policy.js';
import { currentRevision, findLayer, layersForHost, saveLayer } from './layers.js';

/** A connected agent the hub can send a new policy to (a live session). */
export interface PolicyReceiver {
  readonly hostId: string;
  sendPolicy(policy: Policy): void;
}

export type SaveLayerResult =
  | { ok: true; revision: number; pushed: number }
  | { ok: false; code: 'NOT_FOUND' | 'VALIDATION_FAILED'; message: string; problems?: PolicyProblem[] };

/**
 * The hub's policies: `defaults` (the `--policy` file and the configured interval) under the
 * stored layers. Computes a host's effective policy for its welcome, and on a layer change sends
 * the new effective policy to the connected agents it reaches.
 */
export function createPolicyService(
  deps: { db: Kysely<Database>; log: Logger },
  defaults: Policy,
  receivers: () => Iterable<PolicyReceiver> = () => [],
) {
  const { db, log } = deps;

  /** The layers below (and including) a layer that a host of it would also get, to try it on. */
  async function chainFor(
    scope: PolicyLayerScope,
    target: string,
  ): Promise<{ found: true; below: PolicyLayer[] } | { found: false }> {
    const global = await findLayer(db, 'global', '');
    const base = global && scope !== 'global' ? [global] : [];
    switch (scope) {
      case 'global':
      case 'role':
        return { found: true, below: base };
      case 'client':
        return (await findClient(db, target)) ? { found: true, below: base } : { found: false };
      case 'site': {
        const site = await findSite(db, target);
        if (!site) return { found: false };
        const client = await findLayer(db, 'client', site.client_id);
        return { found: true, below: client ? [...base, client] : base };
      }
      case 'host': {
        const view = await hostPolicy(db, defaults, target);
        if (!view) return { found: false };
        return { found: true, below: view.layers.filter((l) => l.scope !== 'host') };
      }
    }
  }

  /** Send the effective policy to every connected agent the changed layer reaches. */
  async function push(change: { scope: PolicyLayerScope; target: string }): Promise<number> {
    const live = [...receivers()];
    if (live.length === 0) return 0;
    const revision = await currentRevision(db);
    let pushed = 0;
    for (const receiver of live) {
      const host = await db
        .selectFrom('hosts')
        .select(['id', 'client', 'site', 'role'])
        .where('id', '=', receiver.hostId)
        .executeTakeFirst();
      if (!host) continue;
      const ids = await hostEntities(db, host);
      if (!layerReaches(change, { ...host, ...ids })) continue;
      const layers = await layersForHost(db, { id: host.id, role: host.role, ...ids });
      receiver.sendPolicy(resolvePolicy(defaults, layers, revision).policy);
      pushed += 1;
    }
    return pushed;
  }

  return {
    defaults,

    /** The policy an agent receives in its welcome. */
    async policyFor(hostId: string): Promise<Policy> {
      const view = await hostPolicy(db, defaults, hostId);
      return view ? view.effective.policy : { ...defaults, revision: await currentRevision(db) };
    },

    /**
     * Replace a layer (empty settings clear it) after checking its target exists and that it keeps
     * every rule consistent over the layers below it; then push to the agents it reaches.
     */
    async save(
      layer: { scope: PolicyLayerScope; target: string; settings: PolicyLayerSettings },
      change: { now: number; by: string | null },
    ): Promise<SaveLayerResult> {
      const chain = await chainFor(layer.scope, layer.target);
      if (!chain.found) return { ok: false, code: 'NOT_FOUND', message: `no ${layer.scope} ${layer.target}` };
      for (const id of layer.settings.maintenanceWindows ?? []) {
        const window = await db
          .selectFrom('maintenance_windows')
          .select('id')
          .where('id', '=', id)
          .executeTakeFirst();
        if (!window) return { ok: false, code: 'VALIDATION_FAILED', message: `no maintenance window ${id}` };
      }
      const trial = resolvePolicy(defaults, [...chain.below, layer], 0);
      const own = trial.problems.filter(
        (p) => p.layer === (layer.scope === 'global' ? 'global' : `${layer.scope}:${layer.target}`),
      );
      if (own.length > 0) {
        return {
          ok: false,
          code: 'VALIDATION_FAILED',
          message: 'the layer would make a check rule inconsistent',
          problems: own,
        };
      }
      const revision = await saveLayer(db, layer, change);
      const pushed = await push(layer);
      log.info(
        { scope: layer.scope, target: layer.target, revision, pushed, by: change.by },
        'policy layer saved',
      );
      return { ok: true, revision, pushed };
    },

    push,
  };
}
export type PolicyService = ReturnType<typeof createPolicyService>;

/** The live sessions that can take a pushed policy (authenticated, with a host). */
export function policyReceivers(sessions: { all(): readonly LiveSession[] }): PolicyReceiver[] {
  const receivers: PolicyReceiver[] = [];
  for (const session of sessions.all()) {
    const { hostId } = session;
    if (hostId === undefined || !session.sendPolicy) continue;
    receivers.push({ hostId, sendPolicy: (policy) => session.sendPolicy?.(policy) });
  }
  return receivers;
}
