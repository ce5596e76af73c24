import { CLOSE_CODES, DEFAULT_CHECK_RULES, DEFAULT_POLICY, type Policy, type Sample } from '@vigie/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { CollectRequest } from '../collectors/collector.js';
import type { RuntimeStatus } from '../credentials/status-file.js';
import { SILENT_LOG } from '../logger.js';
import { testAgentIdentity } from '../test-support/agent-identity.js';
import {
  type ScriptedHub,
  type ScriptedHubOptions,
  startScriptedHub,
  waitFor,
} from '../test-support/scripted-hub.js';
import type { InventoryChunk } from '../transport/outbox.js';
import { type AgentDeps, type RunningAgent, startAgent } from './agent.js';
import type { Cancel, Scheduler } from './scheduler.js';

interface ManualScheduler extends Scheduler {
  /** Runs the tasks scheduled every `seconds`. */
  tick(seconds: number): void;
  fireCron(expression: string): void;
  intervals(): number[];
  crons(): string[];
}

function manualScheduler(): ManualScheduler {
  const tasks = new Map<number, { spec: number | string; task: () => void }>();
  let next = 0;
  const add = (spec: number | string, task: () => void): Cancel => {
    const id = next++;
    tasks.set(id, { spec, task });
    return () => tasks.delete(id);
  };
  const run = (spec: number | string) => {
    for (const entry of [...tasks.values()]) if (entry.spec === spec) entry.task();
  };
  const specs = () => [...tasks.values()].map((entry) => entry.spec);
  return {
    every: add,
    cron: add,
    validCron: (expression) => expression.split(' ').length >= 5,
    tick: run,
    fireCron: run,
    intervals: () => specs().filter((spec): spec is number => typeof spec === 'number'),
    crons: () => specs().filter((spec): spec is string => typeof spec === 'string'),
  };
}

function fakeSampler() {
  const requests: CollectRequest[] = [];
  return {
    requests,
    async collect(request: CollectRequest): Promise<Sample> {
      requests.push(request);
      return { at: 1_764_000_000_000 + requests.length };
    },
  };
}

function fakeInventory() {
  const state = { snapshot: 'v1', collected: 0 };
  return {
    state,
    async collect() {
      state.collected += 1;
      return state.snapshot;
    },
    hash: (snapshot: string) => `hash-${snapshot}-0123`,
    toChunks: (snapshot: string, hash: string): InventoryChunk[] => [
      { type: 'inventory', at: 1, hash, chunk: 0, chunks: 2, os: { name: snapshot } },
      { type: 'inventory', at: 1, hash, chunk: 1, chunks: 2, software: [] },
    ],
  };
}

const running: Array<{ agent: RunningAgent; hub: ScriptedHub }> = [];
afterEach(async () => {
  for (const { agent, hub } of running.splice(0)) {
    await agent.stop();
    await hub.close();
  }
});

async function start(hubOptions: ScriptedHubOptions = {}, overrides: Partial<AgentDeps<string>> = {}) {
  const hub = await startScriptedHub(hubOptions);
  const scheduler = manualScheduler();
  const sampler = fakeSampler();
  const inventory = fakeInventory();
  const saved: Policy[] = [];
  const statuses: RuntimeStatus[] = [];
  const agent = startAgent<string>({
    ...testAgentIdentity(hub.httpUrl),
    sampler,
    inventory,
    savePolicy: async (policy) => {
      saved.push(policy);
    },
    writeStatus: async (status) => {
      statuses.push(status);
    },
    log: SILENT_LOG,
    clock: Date.now,
    random: () => 0.5,
    heartbeatIntervalSec: 30,
    scheduler,
    connection: { backoff: { baseMs: 10, capMs: 50 } },
    ...overrides,
  });
  running.push({ agent, hub });
  return { hub, agent, scheduler, sampler, inventory, saved, statuses };
}

const dataOf = (hub: ScriptedHub) => hub.received.filter((message) => message.type !== 'hello');
const metricsOf = (hub: ScriptedHub) => hub.received.filter((message) => message.type === 'metrics');

describe('startAgent', () => {
  it('says hello, sends the inventory, then a first slow sample on the first tick, with contiguous seqs', async () => {
    const { hub, agent, sampler, scheduler } = await start();
    await waitFor(() => dataOf(hub).length === 2, 'two inventory chunks');
    expect(metricsOf(hub)).toEqual([]);
    scheduler.tick(DEFAULT_POLICY.metricsIntervalSec);
    await waitFor(() => dataOf(hub).length === 3, 'first sample');
    expect(hub.hellos[0]).toMatchObject({
      bootId: agent.bootId,
      credential: { agentId: 'agt_0123456789' },
      fingerprint: 'f'.repeat(64),
      hostname: 'srv-01',
    });
    // The priming collection, then the first sample's.
    expect(sampler.requests).toEqual([
      { slow: true, services: [] },
      { slow: true, services: [] },
    ]);
    expect(
      dataOf(hub)
        .map((message) => ('seq' in message ? message.seq : 0))
        .sort(),
    ).toEqual([1, 2, 3]);
    await waitFor(() => hub.committed(agent.bootId) === 3, 'all committed');
  });

  it('wraps each fast-cycle sample in its own metrics message, and folds the slow cycle into the next one', async () => {
    const { hub, scheduler, sampler } = await start();
    await waitFor(() => dataOf(hub).length === 2, 'inventory (priming done)');
    scheduler.tick(DEFAULT_POLICY.metricsIntervalSec);
    await waitFor(() => metricsOf(hub).length === 1, 'first sample');
    scheduler.tick(DEFAULT_POLICY.metricsIntervalSec);
    await waitFor(() => metricsOf(hub).length === 2, 'second sample');
    scheduler.tick(DEFAULT_POLICY.processesIntervalSec);
    scheduler.tick(DEFAULT_POLICY.metricsIntervalSec);
    await waitFor(() => metricsOf(hub).length === 3, 'third sample');
    expect(sampler.requests.map((request) => request.slow)).toEqual([true, true, false, true]);
    expect(
      metricsOf(hub).every((message) => message.type === 'metrics' && message.samples.length === 1),
    ).toBe(true);
  });

  it('sends the inventory again only when its hash changed', async () => {
    const { hub, scheduler, inventory } = await start();
    const inventories = () => hub.received.filter((message) => message.type === 'inventory');
    await waitFor(() => inventories().length === 2, 'first inventory');
    scheduler.fireCron(DEFAULT_POLICY.inventoryCron);
    await waitFor(() => inventory.state.collected === 2, 'second collection');
    inventory.state.snapshot = 'v2';
    scheduler.fireCron(DEFAULT_POLICY.inventoryCron);
    await waitFor(() => inventories().length === 4, 'changed inventory');
    expect(inventory.state.collected).toBe(3);
    expect(inventories().map((message) => message.type === 'inventory' && message.hash)).toEqual([
      'hash-v1-0123',
      'hash-v1-0123',
      'hash-v2-0123',
      'hash-v2-0123',
    ]);
  });

  it("applies and saves the hub's policy, rescheduling the cycles", async () => {
    const policy: Policy = {
      revision: 4,
      metricsIntervalSec: 5,
      processesIntervalSec: 90,
      inventoryCron: '0 2 * * *',
      services: ['nginx'],
    };
    const { hub, agent, scheduler, saved, sampler } = await start({ policy });
    await waitFor(() => agent.policy().revision === 4 && dataOf(hub).length === 2, 'policy applied');
    expect(saved).toEqual([policy]);
    expect(scheduler.intervals().sort()).toEqual([5, 90]);
    expect(scheduler.crons()).toEqual(['0 2 * * *']);
    scheduler.tick(90);
    scheduler.tick(5);
    await waitFor(() => sampler.requests.length === 2, 'slow cycle');
    expect(sampler.requests.at(-1)).toEqual({ slow: true, services: ['nginx'] });
  });

  it('starts from the saved policy and ignores a pushed policy older than it', async () => {
    const savedPolicy: Policy = { ...DEFAULT_POLICY, revision: 9, metricsIntervalSec: 20 };
    const { hub, agent, scheduler } = await start({ policy: savedPolicy }, { savedPolicy });
    expect(scheduler.intervals()).toContain(20);
    await waitFor(() => hub.connections() === 1 && hub.hellos.length === 1, 'connected');
    await waitFor(() => dataOf(hub).length === 2, 'first data');
    hub.send({ type: 'policy', policy: { ...savedPolicy, revision: 8, metricsIntervalSec: 2 } });
    hub.send({ type: 'policy', policy: { ...savedPolicy, revision: 10, metricsIntervalSec: 3 } });
    await waitFor(() => agent.policy().revision === 10, 'newer policy');
    expect(scheduler.intervals()).toContain(3);
    expect(scheduler.intervals()).not.toContain(2);
  });

  it('lets the metrics-interval override win over the policy', async () => {
    const { scheduler } = await start({}, { metricsIntervalSec: 1 });
    expect(scheduler.intervals()).toContain(1);
  });

  it('stops with a fatal exit when the hub refuses the credential', async () => {
    const { agent, scheduler } = await start({
      onHello: () => ({ close: CLOSE_CODES.CREDENTIAL_REVOKED.code }),
    });
    expect(await agent.exited).toEqual({
      reason: 'fatal',
      name: 'CREDENTIAL_REVOKED',
      code: 4011,
      message: 'scripted close',
    });
    expect(scheduler.intervals()).toEqual([]);
  });

  it('stop() closes the socket cleanly, cancels the timers and records the status', async () => {
    const { hub, agent, scheduler, statuses } = await start();
    await waitFor(() => hub.committed(agent.bootId) === 2, 'first data committed');
    await agent.stop();
    expect(await agent.exited).toEqual({ reason: 'stopped' });
    expect(scheduler.intervals()).toEqual([]);
    expect(scheduler.crons()).toEqual([]);
    await waitFor(() => hub.closeCodes.length === 1, 'hub saw the close');
    expect(hub.closeCodes).toEqual([1000]);
    expect(statuses.at(-1)).toMatchObject({
      pid: process.pid,
      lastConnectedAt: expect.any(String),
      policyRevision: 0,
    });
  });

  it('reports check transitions right away', async () => {
    const { hub, agent } = await start();
    await waitFor(() => dataOf(hub).length === 2, 'first data');
    agent.reportCheckState({
      type: 'checkState',
      at: 1,
      check: 'fs.usage',
      resource: '/var',
      state: 'critical',
      previous: 'ok',
      value: 97,
      threshold: 95,
    });
    await waitFor(() => hub.received.some((message) => message.type === 'checkState'), 'check state');
  });

  it('sends one warning checkState for a sustained filesystem breach and one ok for its recovery', async () => {
    const fsUsage = DEFAULT_CHECK_RULES.find((rule) => rule.kind === 'fs.usage')!;
    const policy: Policy = {
      ...DEFAULT_POLICY,
      revision: 2,
      checks: [{ ...fsUsage, forSec: 20, clearForSec: 20 }],
    };
    // The agent's clocks are the test's: ten seconds pass on each tick, no real waiting.
    const base = Date.now();
    let now = base;
    let usedPct = 50;
    const gib = 1024 ** 3;
    const sampler = {
      async collect(): Promise<Sample> {
        const usedBytes = Math.round(usedPct * gib);
        const fs = { mount: '/var', device: '/dev/sda2', fsType: 'ext4', sizeBytes: 100 * gib };
        return { at: now, filesystems: [{ ...fs, usedBytes, freeBytes: 100 * gib - usedBytes, usedPct }] };
      },
    };
    const { hub, agent, scheduler } = await start(
      { policy },
      { sampler, clock: () => now, monotonic: () => now - base },
    );
    await waitFor(() => agent.policy().revision === 2 && dataOf(hub).length === 2, 'policy and inventory');
    const checkStates = () => hub.received.filter((message) => message.type === 'checkState');
    const tick = async (pct: number) => {
      usedPct = pct;
      now += 10_000;
      const before = metricsOf(hub).length;
      scheduler.tick(10);
      await waitFor(() => metricsOf(hub).length === before + 1, 'sample');
    };

    for (const pct of [85, 50, 50]) await tick(pct); // a 10 s blip is no breach
    for (const pct of [85, 85, 86, 87, 85]) await tick(pct);
    expect(checkStates()).toMatchObject([
      { check: 'fs.usage', resource: '/var', previous: 'ok', state: 'warning', value: 86, threshold: 80 },
    ]);
    for (const pct of [60, 60, 60, 60]) await tick(pct);
    expect(checkStates()).toMatchObject([
      { state: 'warning' },
      { check: 'fs.usage', resource: '/var', previous: 'warning', state: 'ok', value: 60, threshold: 75 },
    ]);
    expect(checkStates()[1]).toMatchObject({
      message: '/var is 60.0 % full (40.0 GiB free); back at or below 75 %',
    });
  });

  it('keeps sampling with the real scheduler', async () => {
    const { hub } = await start({}, { scheduler: undefined, metricsIntervalSec: 1 });
    await waitFor(() => metricsOf(hub).length >= 3, 'three samples', 4_000);
  });
});
