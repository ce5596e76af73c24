import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { insertSamples } from '../repositories/samples.js';
import { sampleRow } from '../test-support/metrics-messages.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { dropSamplePartitionsBefore, ensureSamplePartitions } from './sample-partitions.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 5, 12);

const sample = sampleRow;

describe('sample partitions', () => {
  it('stores each day of arrival in its own partition and drops whole past days', async () => {
    const deps = await createTestDeps(() => T0);
    const { hostId } = await enrolTestAgent(deps);
    expect(await ensureSamplePartitions(deps.db, T0 - DAY, 2)).toEqual([
      'samples_d20261204',
      'samples_d20261205',
      'samples_d20261206',
    ]);
    expect(await ensureSamplePartitions(deps.db, T0 - DAY, 2)).toEqual([]);
    // Two hubs making the same days at the same instant: both succeed, each day made once.
    const both = await Promise.all([
      ensureSamplePartitions(deps.db, T0 + 10 * DAY, 1),
      ensureSamplePartitions(deps.db, T0 + 10 * DAY, 1),
    ]);
    expect(both.flat().sort()).toEqual(['samples_d20261215', 'samples_d20261216']);
    await insertSamples(deps.db, [
      sample(hostId, 1, T0 - DAY),
      sample(hostId, 2, T0),
      sample(hostId, 3, T0 + DAY),
    ]);
    // A resend (same key, same arrival) is a no-op.
    await insertSamples(deps.db, [sample(hostId, 2, T0)]);
    const where = await sql<{ part: string; n: number }>`
        select tableoid::regclass::text as part, count(*) as n from samples group by 1 order by 1`.execute(
      deps.db,
    );
    expect(where.rows).toEqual([
      { part: 'samples_d20261204', n: 1 },
      { part: 'samples_d20261205', n: 1 },
      { part: 'samples_d20261206', n: 1 },
    ]);
    await insertSamples(deps.db, [sample(hostId, 4, T0 - 30 * DAY)]);
    expect(
      (
        await sql<{
          part: string;
        }>`select tableoid::regclass::text as part from samples where seq = 4`.execute(deps.db)
      ).rows,
    ).toEqual([{ part: 'samples_default' }]);

    // The cutoff inside 5 December drops only the 4th, whole.
    expect(await dropSamplePartitionsBefore(deps.db, T0)).toBe(1);
    const left = await deps.db.selectFrom('samples').select('seq').orderBy('seq').execute();
    expect(await dropSamplePartitionsBefore(deps.db, T0 + 20 * DAY)).toBe(2);
    expect(left.map((r) => r.seq)).toEqual([2, 3, 4]);
  });
});
