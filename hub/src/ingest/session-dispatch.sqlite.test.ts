import type { EnrolResponse } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { metrics, sample } from '../test-support/metrics-messages.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { dispatchHarness, T0 } from './__fixtures__/dispatch-harness.js';

// The stored-sample count at each send is read through SQLite's own handle: SQLite only.
let deps: HubDeps;
let credential: EnrolResponse;

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
  credential = await enrolTestAgent(deps);
});

afterEach(async () => {
  await deps.db.destroy();
});

describe('dispatch on SQLite', () => {
  it('acknowledges a metrics message only once its samples are committed', async () => {
    const h = dispatchHarness(deps, { agentId: credential.agentId, hostId: credential.hostId });
    h.dispatch.receive(metrics(1, [sample(T0, 1), sample(T0 + 1, 2)]), 0);
    await h.drained();
    expect(h.sent).toEqual([
      { message: { type: 'ack', bootId: 'boot_store_0001', seq: 1 }, storedSamples: 2 },
    ]);
  });

  it('commits the messages queued on one socket together and acknowledges the highest seq once', async () => {
    const h = dispatchHarness(deps, { agentId: credential.agentId, hostId: credential.hostId });
    for (const seq of [1, 2, 3]) h.dispatch.receive(metrics(seq, [sample(T0 + seq, seq)]), 0);
    await h.drained();
    // One at a time, each would have had its own commit and ack (1, 2, 3).
    expect(h.sent).toEqual([
      { message: { type: 'ack', bootId: 'boot_store_0001', seq: 3 }, storedSamples: 3 },
    ]);
  });

  it('acknowledges each socket of one group commit once, with its own highest seq, after the commit', async () => {
    const other = await enrolTestAgent(deps);
    const a = dispatchHarness(deps, { agentId: credential.agentId, hostId: credential.hostId });
    const b = dispatchHarness(deps, { agentId: other.agentId, hostId: other.hostId });
    for (const seq of [1, 2]) a.dispatch.receive(metrics(seq, [sample(T0 + seq, seq)]), 0);
    for (const seq of [5, 6, 7]) b.dispatch.receive(metrics(seq, [sample(T0 + seq, seq)]), 0);
    await Promise.all([a.drained(), b.drained()]);
    // The acks of both sockets go out in one loop after the commit: all five samples are stored.
    expect(a.sent).toEqual([
      { message: { type: 'ack', bootId: 'boot_store_0001', seq: 2 }, storedSamples: 5 },
    ]);
    expect(b.sent).toEqual([
      { message: { type: 'ack', bootId: 'boot_store_0001', seq: 7 }, storedSamples: 5 },
    ]);
  });

  it("tells each message's refused samples before the one ack, and acks a resent seq with what is committed", async () => {
    const h = dispatchHarness(deps, { agentId: credential.agentId, hostId: credential.hostId });
    h.dispatch.receive(metrics(1, [sample(T0 + 1, 1)]), 0);
    // Too far in the future: refused, the message is still committed and acknowledged.
    h.dispatch.receive(metrics(2, [sample(T0 + 86_400_000, 2)]), 0);
    h.dispatch.receive(metrics(1, [sample(T0 + 1, 1)]), 0);
    await h.drained();
    expect(h.sent.map((s) => s.message.type)).toEqual(['error', 'ack']);
    expect(h.sent[0]?.message).toMatchObject({ type: 'error', seq: 2 });
    expect(h.sent[1]?.message).toEqual({ type: 'ack', bootId: 'boot_store_0001', seq: 2 });
  });

  it('commits a message of another type queued behind metrics only after them, in seq order', async () => {
    const h = dispatchHarness(deps, { agentId: credential.agentId, hostId: credential.hostId });
    h.dispatch.receive(metrics(1, [sample(T0 + 1, 1)]), 0);
    h.dispatch.receive(metrics(2, [sample(T0 + 2, 2)]), 0);
    const gap = {
      type: 'metricsGap',
      bootId: 'boot_store_0001',
      seq: 3,
      from: T0,
      to: T0 + 10,
      count: 1,
    } as const;
    h.dispatch.receive(gap, 0);
    h.dispatch.receive(metrics(4, [sample(T0 + 4, 4)]), 0);
    await h.drained();
    expect(h.sent.map((s) => s.message)).toEqual([
      { type: 'ack', bootId: 'boot_store_0001', seq: 2 },
      { type: 'ack', bootId: 'boot_store_0001', seq: 3 },
      { type: 'ack', bootId: 'boot_store_0001', seq: 4 },
    ]);
    expect(h.sent.map((s) => s.storedSamples)).toEqual([2, 2, 3]);
    expect(await deps.db.selectFrom('metric_gaps').selectAll().execute()).toHaveLength(1);
  });

  it('acknowledges each boot of a batch with its own ack', async () => {
    const h = dispatchHarness(deps, { agentId: credential.agentId, hostId: credential.hostId });
    h.dispatch.receive(metrics(7, [sample(T0 + 1, 1)], 'boot_old_00001'), 0);
    h.dispatch.receive(metrics(1, [sample(T0 + 2, 2)]), 0);
    h.dispatch.receive(metrics(2, [sample(T0 + 3, 3)]), 0);
    await h.drained();
    expect(h.sent.map((s) => s.message)).toEqual([
      { type: 'ack', bootId: 'boot_old_00001', seq: 7 },
      { type: 'ack', bootId: 'boot_store_0001', seq: 2 },
    ]);
  });
});
