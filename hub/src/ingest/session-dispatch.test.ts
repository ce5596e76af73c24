import type { EnrolResponse } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { metrics, sample } from '../test-support/metrics-messages.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { dispatchHarness, T0 } from './__fixtures__/dispatch-harness.js';

let deps: HubDeps;
let credential: EnrolResponse;

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
  credential = await enrolTestAgent(deps);
});

afterEach(async () => {
  await deps.db.destroy();
});

describe('dispatch', () => {
  it('acknowledges a resent message again with what is committed, storing it once', async () => {
    const h = dispatchHarness(deps, { agentId: credential.agentId, hostId: credential.hostId });
    const gap = {
      type: 'metricsGap',
      bootId: 'boot_gap_01',
      seq: 1,
      from: T0,
      to: T0 + 10,
      count: 1,
    } as const;
    h.dispatch.receive(gap, 0);
    h.dispatch.receive(gap, 0);
    await h.drained();
    expect(h.sent.map((s) => s.message)).toEqual([
      { type: 'ack', bootId: 'boot_gap_01', seq: 1 },
      { type: 'ack', bootId: 'boot_gap_01', seq: 1 },
    ]);
    expect(await deps.db.selectFrom('metric_gaps').selectAll().execute()).toHaveLength(1);
    expect(h.sessions.storage.status).toEqual({ state: 'ok' });
  });

  it('sends no ack when the commit fails: the failure goes to the queue, the agent resends', async () => {
    const h = dispatchHarness(deps, { agentId: credential.agentId, hostId: 'host_gone' });
    h.dispatch.receive(metrics(1, [sample(T0, 1)]), 0);
    await h.drained();
    expect(h.sent).toEqual([]);
    expect(h.failures).toHaveLength(1);
  });

  it('handles nothing before the agent is authenticated', async () => {
    const h = dispatchHarness(deps, undefined);
    h.dispatch.receive(metrics(1, [sample(T0, 1)]), 0);
    h.dispatch.receive({ type: 'credentialSaved', agentId: credential.agentId }, 0);
    await h.drained();
    expect(h.sent).toEqual([]);
    expect(h.closes).toEqual([]);
    expect(await deps.db.selectFrom('samples').selectAll().execute()).toEqual([]);
  });

  it('closes with PROTOCOL_ERROR when credentialSaved names another agent', async () => {
    const h = dispatchHarness(deps, { agentId: credential.agentId, hostId: credential.hostId });
    h.dispatch.receive({ type: 'credentialSaved', agentId: 'agt_someone_else' }, 0);
    await h.drained();
    expect(h.closes).toEqual(['PROTOCOL_ERROR']);
  });
});
