import { createHash } from 'node:crypto';
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
import { findClient, findSite, listClients, listSites } from '../tenancy/clients.js';
import { hostPolicy, layerReaches } from './host-policy.js';
import { currentRevision, findLayer, listLayers, saveLayer } from './layers.js';

/** Host rows read per query when pushing (bounded `in (…)` lists). */
const HOSTS_PER_QUERY = 500;

const layerKey = (a: string, b: string) => `${a}\u0000${b}`;

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

  // What each host was last sent (its policy but the revision), so a re-check sends only changes:
  // a digest of it, not the JSON itself (~2 KB per connected host, found in a heap snapshot).
  const sent = new Map<string, string>();
  const contentOf = (policy: Policy) =>
    createHash('sha256')
      .update(JSON.stringify({ ...policy, revision: 0 }))
      .digest('base64');
  let defaultsContent: string | undefined;

  /**
   * Send the effective policy to every connected agent the changed layer reaches; with
   * `onlyChanged`, only to those whose policy differs from what this instance last sent them.
   */
  async function push(
    change: { scope: PolicyLayerScope; target: string },
    options: { onlyChanged?: boolean } = {},
  ): Promise<number> {
    const byHost = new Map<string, PolicyReceiver[]>();
    for (const receiver of receivers()) {
      byHost.set(receiver.hostId, [...(byHost.get(receiver.hostId) ?? []), receiver]);
    }
    if (byHost.size === 0) return 0;
    // Everything the resolution needs, read once: a global change may reach thousands of agents.
    const revision = await currentRevision(db);
    const layers = new Map(
      (await listLayers(db)).map((layer) => [layerKey(layer.scope, layer.target), layer]),
    );
    const clientIds = new Map((await listClients(db)).map((client) => [client.name, client.id]));
    const siteIds = new Map(
      (await listSites(db)).map((site) => [layerKey(site.client_id, site.name), site.id]),
    );
    const resolved = new Map<string, Policy>();
    let pushed = 0;
    const hostIds = [...byHost.keys()];
    for (let at = 0; at < hostIds.length; at += HOSTS_PER_QUERY) {
      const hosts = await db
        .selectFrom('hosts')
        .select(['id', 'client', 'site', 'role'])
        .where('id', 'in', hostIds.slice(at, at + HOSTS_PER_QUERY))
        .execute();
      for (const host of hosts) {
        const clientId = clientIds.get(host.client);
        const siteId = clientId === undefined ? undefined : siteIds.get(layerKey(clientId, host.site));
        if (!layerReaches(change, { ...host, clientId, siteId })) continue;
        const own = (
          [
            ['global', ''],
            ['client', clientId],
            ['site', siteId],
            ['role', host.role],
            ['host', host.id],
          ] as const
        ).flatMap(([scope, target]) => {
          const layer = target === undefined ? undefined : layers.get(layerKey(scope, target));
          return layer ? [layer] : [];
        });
        // Hosts with the same layers get the same policy: resolve each combination once.
        const combination = own.map((layer) => layerKey(layer.scope, layer.target)).join('\u0001');
        let policy = resolved.get(combination);
        if (!policy) {
          policy = resolvePolicy(defaults, own, revision).policy;
          resolved.set(combination, policy);
        }
        const content = contentOf(policy);
        if (options.onlyChanged && sent.get(host.id) === content) continue;
        sent.set(host.id, content);
        for (const receiver of byHost.get(host.id) ?? []) {
          receiver.sendPolicy(policy);
          pushed += 1;
        }
      }
    }
    return pushed;
  }

  return {
    defaults,

    /** The policy an agent receives in its welcome. */
    async policyFor(hostId: string): Promise<Policy> {
      // No layer was ever saved (most hubs until an admin sets one): one query instead of five.
      if ((await currentRevision(db)) === 0) {
        defaultsContent ??= contentOf({ ...defaults, revision: 0 });
        sent.set(hostId, defaultsContent);
        return { ...defaults, revision: 0 };
      }
      const view = await hostPolicy(db, defaults, hostId);
      const policy = view ? view.effective.policy : { ...defaults, revision: await currentRevision(db) };
      sent.set(hostId, contentOf(policy));
      return policy;
    },

    /**
     * Notice layers saved by another hub instance (several hubs on one PostgreSQL): every
     * `intervalMs`, compare the highest revision with the last one seen and, when it moved, send
     * the connected agents whose policy changed. `check()` runs one comparison (tests call it).
     */
    watch(intervalMs: number) {
      let seen: number | undefined;
      let running: Promise<number> | undefined;
      const check = (): Promise<number> => {
        running ??= (async () => {
          try {
            const revision = await currentRevision(db);
            const moved = seen !== undefined && revision > seen;
            seen = revision;
            return moved ? await push({ scope: 'global', target: '' }, { onlyChanged: true }) : 0;
          } catch (error) {
            log.warn({ err: error }, 'cannot check the policy revision');
            return 0;
          } finally {
            running = undefined;
          }
        })();
        return running;
      };
      const timer = setInterval(() => void check(), intervalMs);
      timer.unref();
      return {
        check,
        async stop(): Promise<void> {
          clearInterval(timer);
          await running;
        },
      };
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
