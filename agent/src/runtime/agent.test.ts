import { CLOSE_CODES, DEFAULT_POLICY, type Policy } from '@vigie/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../test-support/scripted-hub.js';
import { dataOf, metricsOf, start, stopStarted } from './__fixtures__/agent-harness.js';

afterEach(stopStarted);

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

  it('keeps sampling with the real scheduler', async () => {
    const { hub } = await start({}, { scheduler: undefined, metricsIntervalSec: 1 });
    await waitFor(() => metricsOf(hub).length >= 3, 'three samples', 4_000);
  });
});
