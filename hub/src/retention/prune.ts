import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { dropSamplePartitionsBefore } from '../db/sample-partitions.js';
import type { RetentionSettings } from './settings.js';

/** Let the event loop run (ingest, API) between two deletes. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Delete what is older than its tier keeps: raw samples by time of arrival, roll-ups by bucket.
 * Oldest first, in small slices (one short transaction each, the event loop free between them), so
 * ingest is never blocked for long even when a large backlog of old rows goes at once.
 */
export async function prune(
  db: Kysely<Database>,
  settings: RetentionSettings,
  now: number,
): Promise<{ raw: number; rollups: number }> {
  const rawCutoff = now - settings.rawMs;
  // PostgreSQL: whole days of arrival older than the cutoff go as partitions (no-op on SQLite).
  let raw = await dropSamplePartitionsBefore(db, rawCutoff);
  for (;;) {
    const oldest = await db
      .selectFrom('samples')
      .select((eb) => eb.fn.min('received_at').as('at'))
      .executeTakeFirst();
    if (oldest?.at === null || oldest?.at === undefined || Number(oldest.at) >= rawCutoff) break;
    const sliceEnd = Math.min(rawCutoff, Number(oldest.at) + settings.deleteSliceMs);
    const result = await db.deleteFrom('samples').where('received_at', '<', sliceEnd).executeTakeFirst();
    raw += Number(result.numDeletedRows);
    await yieldToLoop();
  }

  let rollups = 0;
  for (const tier of settings.tiers) {
    const cutoff = now - tier.keepMs;
    for (;;) {
      const oldest = await db
        .selectFrom('sample_rollups')
        .select((eb) => eb.fn.min('at').as('at'))
        .where('step_ms', '=', tier.stepMs)
        .executeTakeFirst();
      if (oldest?.at === null || oldest?.at === undefined || Number(oldest.at) >= cutoff) break;
      // One bucket of every host per statement.
      const sliceEnd = Math.min(cutoff, Number(oldest.at) + tier.stepMs);
      const result = await db
        .deleteFrom('sample_rollups')
        .where('step_ms', '=', tier.stepMs)
        .where('at', '<', sliceEnd)
        .executeTakeFirst();
      rollups += Number(result.numDeletedRows);
      await yieldToLoop();
    }
  }
  return { raw, rollups };
}
