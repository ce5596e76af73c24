import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { readState, writeState } from '../repositories/retention-state.js';
import type { RetentionSettings } from './settings.js';

export const ROLLED_UP_UNTIL = 'rolled_up_received_until';

const FIGURES = [
  ['cpu', 'cpu_pct'],
  ['mem', 'mem_pct'],
  ['swap', 'swap_pct'],
  ['disk_max', 'disk_max_pct'],
  ['load1', 'load1'],
] as const;

type RollupColumn = `${(typeof FIGURES)[number][0]}_${'avg' | 'max'}`;
const ROLLUP_COLUMNS = FIGURES.flatMap(([f]) => [`${f}_avg`, `${f}_max`] as RollupColumn[]);

/** Let the event loop run (ingest, API) between two statements of a long pass. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `floor(at / step) * step`: integer division on both SQLite and PostgreSQL (bigint columns). */
const bucketOf = (step: number) => sql<number>`(at / ${sql.lit(step)}) * ${sql.lit(step)}`;

interface Touched {
  readonly hostId: string;
  readonly lo: number;
  readonly hi: number;
}

/**
 * Roll up what arrived since the last pass: for every host that sent samples, recompute each tier's
 * buckets over the span of those samples' `at` (late backlogs included), the first tier from raw
 * samples, each next one from the tier before it. A recomputed bucket replaces the stored one only
 * if it counts more samples, so a bucket whose sources were already pruned is kept as it was (a
 * sample arriving after its bucket's raw samples were pruned is not counted). Idempotent: a pass that died half-way is simply done again.
 */
export async function rollUp(
  db: Kysely<Database>,
  settings: RetentionSettings,
  now: number,
): Promise<{ hosts: number; until: number }> {
  const until = now - settings.lagMs;
  let from = (await readState(db, ROLLED_UP_UNTIL)) ?? (await oldestArrival(db)) ?? until;
  let hosts = 0;
  // Arrivals are taken a slice at a time (the first pass over an existing database may face days
  // of them), so each statement reads a bounded number of samples.
  while (from < until) {
    const sliceEnd = Math.min(until, from + settings.rollupSliceMs);
    hosts = Math.max(hosts, await rollUpArrivals(db, settings, from, sliceEnd));
    await writeState(db, ROLLED_UP_UNTIL, sliceEnd);
    from = sliceEnd;
  }
  return { hosts, until: Math.max(from, until) };
}

async function oldestArrival(db: Kysely<Database>): Promise<number | undefined> {
  const row = await db
    .selectFrom('samples')
    .select((eb) => eb.fn.min('received_at').as('at'))
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
}

/** Roll up the samples that arrived in [from, until); returns how many hosts sent some. */
async function rollUpArrivals(
  db: Kysely<Database>,
  settings: RetentionSettings,
  from: number,
  until: number,
): Promise<number> {
  const touched: Touched[] = (
    await db
      .selectFrom('samples')
      .select((eb) => ['host_id as hostId', eb.fn.min('at').as('lo'), eb.fn.max('at').as('hi')])
      .where('received_at', '>=', from)
      .where('received_at', '<', until)
      .groupBy('host_id')
      .execute()
  ).map((row) => ({ hostId: row.hostId, lo: Number(row.lo), hi: Number(row.hi) }));
  // Hosts with similar spans share a statement, so one late backlog does not widen everyone's.
  touched.sort((a, b) => a.lo - b.lo);
  for (let i = 0; i < touched.length; i += settings.hostsPerStatement) {
    const chunk = touched.slice(i, i + settings.hostsPerStatement);
    await db.transaction().execute(async (trx) => {
      let sourceStep = 0;
      for (const tier of settings.tiers) {
        await rollUpChunk(trx, chunk, sourceStep, tier.stepMs);
        sourceStep = tier.stepMs;
      }
    });
    await yieldToLoop();
  }
  return touched.length;
}

/** Recompute the `step` buckets of these hosts over their span, from raw (`sourceStep` 0) or a finer tier. */
async function rollUpChunk(
  trx: Kysely<Database>,
  chunk: readonly Touched[],
  sourceStep: number,
  step: number,
): Promise<void> {
  const hostIds = chunk.map((t) => t.hostId);
  const lo = Math.floor(Math.min(...chunk.map((t) => t.lo)) / step) * step;
  const hi = (Math.floor(Math.max(...chunk.map((t) => t.hi)) / step) + 1) * step;
  const bucket = bucketOf(step);
  const source =
    sourceStep === 0
      ? trx
          .selectFrom('samples')
          .select((eb) => [
            'host_id',
            sql.lit(step).as('step_ms'),
            bucket.as('at'),
            eb.fn.countAll<number>().as('samples'),
            ...FIGURES.flatMap(([figure, column]) => [
              eb.fn.avg(column).as(`${figure}_avg`),
              eb.fn.max(column).as(`${figure}_max`),
            ]),
          ])
          .where('host_id', 'in', hostIds)
          .where('at', '>=', lo)
          .where('at', '<', hi)
          .groupBy(['host_id', bucket])
      : trx
          .selectFrom('sample_rollups')
          .select((eb) => [
            'host_id',
            sql.lit(step).as('step_ms'),
            bucket.as('at'),
            eb.fn.sum<number>('samples').as('samples'),
            // Means weighted by how many samples each finer bucket holds (figures absent from a
            // bucket weigh nothing).
            ...FIGURES.flatMap(([figure]) => [
              sql<number>`sum(${sql.ref(`${figure}_avg`)} * samples) / sum(case when ${sql.ref(`${figure}_avg`)} is not null then samples end)`.as(
                `${figure}_avg`,
              ),
              eb.fn.max(`${figure}_max`).as(`${figure}_max`),
            ]),
          ])
          .where('step_ms', '=', sourceStep)
          .where('host_id', 'in', hostIds)
          .where('at', '>=', lo)
          .where('at', '<', hi)
          .groupBy(['host_id', bucket]);
  await trx
    .insertInto('sample_rollups')
    .columns(['host_id', 'step_ms', 'at', 'samples', ...ROLLUP_COLUMNS])
    .expression(source)
    .onConflict((oc) =>
      oc
        .columns(['host_id', 'step_ms', 'at'])
        .doUpdateSet((eb) => ({
          samples: eb.ref('excluded.samples'),
          ...Object.fromEntries(ROLLUP_COLUMNS.map((c) => [c, eb.ref(`excluded.${c}`)])),
        }))
        .whereRef('sample_rollups.samples', '<', 'excluded.samples'),
    )
    .execute();
}
