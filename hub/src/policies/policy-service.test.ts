import { DEFAULT_POLICY, type Policy } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { NO_HEALTH_YET } from '../repositories/hosts.js';
import { ensureClientSite } from '../tenancy/clients.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { createPolicyService } from './policy-service.js';

const FLEET = 1200; // more than one batch of host reads (500)
const CLIENTS = ['acme', 'globex', 'initech'];

let deps: HubDeps;
beforeEach(async () => {
  deps = await createTestDeps(() => 1);
  const rows = Array.from({ length: FLEET }, (_, i) => ({
    id: `hst_${String(i).padStart(4, '0')}`,
    hostname: `h${i}`,
    fingerprint: `fp${i}`,
    client: CLIENTS[i % CLIENTS.length] as string,
    site: 'hq',
    role: i % 2 === 0 ? ('server' as const) : ('workstation' as const),
    tags: '[]',
    os_platform: 'linux' as const,
    os_distro: 'Debian',
    os_release: '12',
    os_kernel: '6.1',
    os_arch: 'x64',
    agent_version: '',
    first_seen_at: 1,
    last_seen_at: null,
    connected: 1,
    ...NO_HEALTH_YET,
  }));
  for (let at = 0; at < rows.length; at += 200)
    await deps.db
      .insertInto('hosts')
      .values(rows.slice(at, at + 200))
      .execute();
});
afterEach(async () => {
  await deps.db.destroy();
});

describe('createPolicyService: push', () => {
  it('sends every connected agent of a large fleet its own effective policy, and only those a layer reaches', async () => {
    const received = new Map<string, Policy[]>();
    const receivers = Array.from({ length: FLEET }, (_, i) => {
      const hostId = `hst_${String(i).padStart(4, '0')}`;
      return {
        hostId,
        sendPolicy: (p: Policy) => received.set(hostId, [...(received.get(hostId) ?? []), p]),
      };
    });
    const service = createPolicyService(deps, DEFAULT_POLICY, () => receivers);
    const { client: globex } = await ensureClientSite(
      deps.db,
      { client: 'globex', site: 'hq' },
      { now: 1, random: deps.random, by: null },
    );
    const change = { now: 1, by: 'admin' };

    const startedAt = performance.now();
    const global = await service.save(
      { scope: 'global', target: '', settings: { metricsIntervalSec: 20 } },
      change,
    );
    console.log(
      `[measure] global layer saved and pushed to ${FLEET} agents in ${(performance.now() - startedAt).toFixed(0)} ms`,
    );
    expect(global).toMatchObject({ ok: true, revision: 1, pushed: FLEET });
    expect(
      [...received.values()].every((list) => list.length === 1 && list[0]?.metricsIntervalSec === 20),
    ).toBe(true);

    received.clear();
    const client = await service.save(
      { scope: 'client', target: globex.id, settings: { metricsIntervalSec: 40 } },
      change,
    );
    expect(client).toMatchObject({ ok: true, revision: 2, pushed: FLEET / CLIENTS.length });
    expect([...received.keys()].every((id) => Number(id.slice(4)) % CLIENTS.length === 1)).toBe(true);
    expect(
      [...received.values()].every((list) => list[0]?.metricsIntervalSec === 40 && list[0].revision === 2),
    ).toBe(true);

    received.clear();
    const role = await service.save(
      { scope: 'role', target: 'workstation', settings: { processesIntervalSec: 300 } },
      change,
    );
    expect(role).toMatchObject({ ok: true, pushed: FLEET / 2 });
    // A globex workstation combines both layers; an acme one only the role's.
    expect(received.get('hst_0001')?.[0]).toMatchObject({
      metricsIntervalSec: 40,
      processesIntervalSec: 300,
    });
    expect(received.get('hst_0003')?.[0]).toMatchObject({
      metricsIntervalSec: 20,
      processesIntervalSec: 300,
    });
    expect(received.has('hst_0000')).toBe(false);
  });

  it('gives the welcome the same policy a push would', async () => {
    const pushed: Policy[] = [];
    const service = createPolicyService(deps, DEFAULT_POLICY, () => [
      { hostId: 'hst_0004', sendPolicy: (p) => pushed.push(p) },
    ]);
    await service.save(
      { scope: 'host', target: 'hst_0004', settings: { services: ['nginx'] } },
      { now: 1, by: null },
    );
    expect(pushed).toHaveLength(1);
    expect(await service.policyFor('hst_0004')).toEqual(pushed[0]);
    // An unknown host (deleted meanwhile) gets the defaults at the current revision.
    expect(await service.policyFor('hst_nope')).toEqual({ ...DEFAULT_POLICY, revision: 1 });
  });

  it('lets another hub instance on the same database notice a saved layer and send only what changed', async () => {
    // Two instances: `a` has no agent connected, `b` has two.
    const toB: Array<[string, Policy]> = [];
    const receiversB = ['hst_0000', 'hst_0001'].map((hostId) => ({
      hostId,
      sendPolicy: (p: Policy) => toB.push([hostId, p]),
    }));
    const a = createPolicyService(deps, DEFAULT_POLICY, () => []);
    const b = createPolicyService(deps, DEFAULT_POLICY, () => receiversB);
    const watch = b.watch(60_000);
    try {
      for (const r of receiversB) await b.policyFor(r.hostId); // their welcomes
      expect(await watch.check()).toBe(0); // first look: nothing to compare with
      await a.save(
        { scope: 'host', target: 'hst_0001', settings: { metricsIntervalSec: 7 } },
        { now: 1, by: null },
      );
      expect(await watch.check()).toBe(1);
      expect(toB).toEqual([['hst_0001', expect.objectContaining({ revision: 1, metricsIntervalSec: 7 })]]);
      expect(await watch.check()).toBe(0); // nothing new
    } finally {
      await watch.stop();
    }
  });
});
