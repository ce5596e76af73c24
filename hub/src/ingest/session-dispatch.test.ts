import type { CloseCodeName, EnrolResponse, HubMessage } from '@vigie/shared';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { sqliteHandleOf } from '../db/connect.js';
import { metrics, sample } from '../test-support/metrics-messages.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import type { SenderIdentity } from './commit-in-transaction.js';
import { createLiveSessions } from './live-sessions.js';
import { createDispatch } from './session-dispatch.js';

const T0 = 1_764_000_000_000;
let deps: HubDeps;
let credential: EnrolResponse;

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
  credential = await enrolTestAgent(deps);
});

afterEach(async () => {
  await deps.db.destroy();
});

/** A dispatcher over a queue run in order, recording what it sends and the samples stored at each send. */
function harness(sender: SenderIdentity | undefined) {
  const sqlite = sqliteHandleOf(deps.db);
  const storedNow = () => Number(sqlite?.prepare('select count(*) from samples').pluck().get() ?? -1);
  const sent: { message: HubMessage; storedSamples: number }[] = [];
  const closes: CloseCodeName[] = [];
  const failures: unknown[] = [];
  const sessions = createLiveSessions(() => T0);
  let queue = Promise.resolve();
  const dispatch = createDispatch(deps, sessions, {
    flow: {
      enqueue: (job) => {
        queue = queue.then(job).catch((error: unknown) => void failures.push(error));
      },
      send: (message) => void sent.push({ message, storedSamples: storedNow() }),
    },
    log: pino({ level: 'silent' }),
    close: (code) => void closes.push(code),
    sender: () => sender,
  });
  return { dispatch, sent, closes, failures, sessions, drained: () => queue };
}

describe('dispatch', () => {
  it.skipIf(process.env.VIGIE_TEST_DB === 'postgres')(
    'acknowledges a metrics message only once its samples are committed',
    async () => {
      const h = harness({ agentId: credential.agentId, hostId: credential.hostId });
      h.dispatch.receive(metrics(1, [sample(T0, 1), sample(T0 + 1, 2)]), 0);
      await h.drained();
      expect(h.sent).toEqual([
        { message: { type: 'ack', bootId: 'boot_store_0001', seq: 1 }, storedSamples: 2 },
      ]);
    },
  );

  it('acknowledges a resent message again with what is committed, storing it once', async () => {
    const h = harness({ agentId: credential.agentId, hostId: credential.hostId });
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
    const h = harness({ agentId: credential.agentId, hostId: 'host_gone' });
    h.dispatch.receive(metrics(1, [sample(T0, 1)]), 0);
    await h.drained();
    expect(h.sent).toEqual([]);
    expect(h.failures).toHaveLength(1);
  });

  it('handles nothing before the agent is authenticated', async () => {
    const h = harness(undefined);
    h.dispatch.receive(metrics(1, [sample(T0, 1)]), 0);
    h.dispatch.receive({ type: 'credentialSaved', agentId: credential.agentId }, 0);
    await h.drained();
    expect(h.sent).toEqual([]);
    expect(h.closes).toEqual([]);
    expect(await deps.db.selectFrom('samples').selectAll().execute()).toEqual([]);
  });

  it('closes with PROTOCOL_ERROR when credentialSaved names another agent', async () => {
    const h = harness({ agentId: credential.agentId, hostId: credential.hostId });
    h.dispatch.receive({ type: 'credentialSaved', agentId: 'agt_someone_else' }, 0);
    await h.drained();
    expect(h.closes).toEqual(['PROTOCOL_ERROR']);
  });
});
