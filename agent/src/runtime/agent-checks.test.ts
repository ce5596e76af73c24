import { DEFAULT_CHECK_RULES, DEFAULT_POLICY, type Policy, type Sample } from '@vigie/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../test-support/scripted-hub.js';
import { dataOf, metricsOf, start, stopStarted } from './__fixtures__/agent-harness.js';

afterEach(stopStarted);

describe('startAgent: local checks', () => {
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
});
