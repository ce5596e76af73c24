import { describe, expect, it } from 'vitest';
import { insertSamples } from '../repositories/samples.js';
import { sampleRow } from '../test-support/metrics-messages.js';
import { testEngine } from '../test-support/test-database.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { dropSamplePartitionsBefore, ensureSamplePartitions } from './sample-partitions.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 5, 12);

const sample = sampleRow;

describe('sample partitions', () => {
  it('stores a resent sample once on either engine; the partition helpers do nothing on SQLite', async () => {
    const deps = await createTestDeps(() => T0);
    if (testEngine() === 'sqlite') {
      expect(await ensureSamplePartitions(deps.db, T0)).toEqual([]);
      expect(await dropSamplePartitionsBefore(deps.db, T0 + 10 * DAY)).toBe(0);
    }
    const { hostId } = await enrolTestAgent(deps);
    await insertSamples(deps.db, [sample(hostId, 1, T0)]);
    await insertSamples(deps.db, [sample(hostId, 1, T0)]);
    expect(await deps.db.selectFrom('samples').selectAll().execute()).toHaveLength(1);
  });
});
