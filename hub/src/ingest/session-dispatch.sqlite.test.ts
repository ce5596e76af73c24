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
});
