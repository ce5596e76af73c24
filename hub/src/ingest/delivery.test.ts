import type { AgentDataMessage, EnrolResponse } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../access/create-user.js';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import { createTestDeps, enrolTestAgent, testHubServices } from '../test-support/test-hub.js';
import { commitDataMessage, type SenderIdentity } from './commit-data-message.js';

const BOOT = 'boot_delivery_01';
const T0 = 1_764_000_000_000;

let deps: HubDeps;
let sender: SenderIdentity;
let credential: EnrolResponse;

beforeEach(async () => {
  deps = await createTestDeps(() => T0 + 60_000);
  credential = await enrolTestAgent(deps);
  sender = { agentId: credential.agentId, hostId: credential.hostId };
});

afterEach(async () => {
  await deps.db.destroy();
});

const commit = (message: AgentDataMessage) => commitDataMessage(deps, sender, message);

const metrics = (seq: number, count: number, bootId = BOOT): AgentDataMessage => ({
  type: 'metrics',
  bootId,
  seq,
  samples: Array.from({ length: count }, (_, i) => ({ at: T0 + (seq * 100 + i) * 1000 })),
});

async function counts() {
  const count = async (table: 'samples' | 'metric_gaps' | 'delivery_events' | 'agent_boots') =>
    Number(
      (
        await deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    samples: await count('samples'),
    gaps: await count('metric_gaps'),
    events: await count('delivery_events'),
    boots: await count('agent_boots'),
  };
}

describe('delivery bookkeeping', () => {
  it('changes nothing when a whole batch is replayed', async () => {
    const batch = [
      metrics(1, 3),
      { type: 'metricsGap', bootId: BOOT, seq: 2, from: T0, to: T0 + 9000, count: 10 } as const,
      metrics(3, 2),
    ] satisfies AgentDataMessage[];
    for (const message of batch) expect((await commit(message)).status).toBe('stored');
    const before = await counts();
    const snapshot = await deps.db.selectFrom('samples').selectAll().orderBy('seq').orderBy('idx').execute();
    for (const message of batch) {
      expect(await commit(message)).toEqual({ status: 'duplicate', committedSeq: 3 });
    }
    expect(await counts()).toEqual(before);
    expect(await deps.db.selectFrom('samples').selectAll().orderBy('seq').orderBy('idx').execute()).toEqual(
      snapshot,
    );
    expect(before).toEqual({ samples: 5, gaps: 1, events: 1, boots: 1 });
  });

  it('records a new boot and a seq gap as rows, never as an error', async () => {
    await commit(metrics(1, 1));
    const outcome = await commit(metrics(5, 1));
    expect(outcome).toEqual({ status: 'stored', committedSeq: 5, gapFrom: 2 });
    await commit(metrics(1, 1, 'boot_delivery_02'));
    const rows = await deps.db
      .selectFrom('delivery_events')
      .select(['boot_id', 'kind', 'from_seq', 'to_seq'])
      .orderBy('boot_id')
      .orderBy('kind')
      .execute();
    expect(rows).toEqual([
      { boot_id: BOOT, kind: 'boot', from_seq: 1, to_seq: 1 },
      { boot_id: BOOT, kind: 'seq_gap', from_seq: 2, to_seq: 4 },
      { boot_id: 'boot_delivery_02', kind: 'boot', from_seq: 1, to_seq: 1 },
    ]);
  });

  it('shows declared gaps and delivery events at /api/v1/hosts/:id/gaps', async () => {
    await commit({ type: 'metricsGap', bootId: BOOT, seq: 1, from: T0, to: T0 + 50_000, count: 6 });
    const app = createApp(testHubServices(deps));
    const user = await createUserWithToken(deps, { name: 'lecteur', role: 'readonly' });
    if (!user.ok) throw new Error('user');
    const headers = { authorization: `Bearer ${user.token}` };
    const res = await app.request(`/api/v1/hosts/${credential.hostId}/gaps?from=0`, { headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.metricGaps).toEqual([
      { bootId: BOOT, seq: 1, from: T0, to: T0 + 50_000, count: 6, receivedAt: T0 + 60_000 },
    ]);
    expect(body.delivery).toEqual([{ kind: 'boot', bootId: BOOT, fromSeq: 1, toSeq: 1, at: T0 + 60_000 }]);
    const missing = await app.request('/api/v1/hosts/nope/gaps', { headers });
    expect(missing.status).toBe(404);
  });
});
