// The startAgent tests' harness: an agent on fakes and a manual scheduler, against a scripted hub.
import type { Policy, Sample } from '@vigie/shared';
import type { CollectRequest } from '../../collectors/collector.js';
import type { RuntimeStatus } from '../../credentials/status-file.js';
import { SILENT_LOG } from '../../logger.js';
import { testAgentIdentity } from '../../test-support/agent-identity.js';
import {
  type ScriptedHub,
  type ScriptedHubOptions,
  startScriptedHub,
} from '../../test-support/scripted-hub.js';
import type { InventoryChunk } from '../../transport/outbox.js';
import { type AgentDeps, type RunningAgent, startAgent } from '../agent.js';
import type { Cancel, Scheduler } from '../scheduler.js';

export interface ManualScheduler extends Scheduler {
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

/** Stops every agent and hub `start` made (each test file's afterEach). */
export async function stopStarted(): Promise<void> {
  for (const { agent, hub } of running.splice(0)) {
    await agent.stop();
    await hub.close();
  }
}

/** Starts an agent on fakes and a manual scheduler against a scripted hub. */
export async function start(hubOptions: ScriptedHubOptions = {}, overrides: Partial<AgentDeps<string>> = {}) {
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

export const dataOf = (hub: ScriptedHub) => hub.received.filter((message) => message.type !== 'hello');
export const metricsOf = (hub: ScriptedHub) => hub.received.filter((message) => message.type === 'metrics');
