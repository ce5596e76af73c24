import { parseDuration } from './duration.js';

/** One roll-up tier: buckets of `stepMs`, kept `keepMs`. */
export interface RollupTier {
  readonly stepMs: number;
  readonly keepMs: number;
}

/** How long each resolution is kept, and how the job that maintains them paces itself. */
export interface RetentionSettings {
  /** Raw samples (every figure, verbatim) are kept this long after they arrived. */
  readonly rawMs: number;
  /** Coarser tiers, finest first; each is rolled up from the one before it (the first from raw). */
  readonly tiers: readonly RollupTier[];
  /** Between two passes of the job. */
  readonly intervalMs: number;
  /** Samples that arrived less than this ago wait for the next pass (their commit may be under way). */
  readonly lagMs: number;
  /** Hosts rolled up per statement: bounds how long one statement holds the database. */
  readonly hostsPerStatement: number;
  /** Arrivals rolled up per round, as a span of arrival time (bounds a first pass over old data). */
  readonly rollupSliceMs: number;
  /** Raw samples deleted per statement, as a span of arrival time. */
  readonly deleteSliceMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Raw for 2 hours (a report every 10 s is ~1.5 KB on disk, so each hour of raw is ~0.5 MB per host:
 * 5 GB for 10 000 hosts), then 1 min for 2 days, 10 min for 60 days and 1 h for 2 years. Charts of
 * more than the last 2 hours read the roll-ups. See docs/decisions/0018.
 */
export const RETENTION_DEFAULTS: RetentionSettings = {
  rawMs: 2 * HOUR,
  tiers: [
    { stepMs: MINUTE, keepMs: 2 * DAY },
    { stepMs: 10 * MINUTE, keepMs: 60 * DAY },
    { stepMs: HOUR, keepMs: 730 * DAY },
  ],
  intervalMs: MINUTE,
  lagMs: 5_000,
  // Measured with 3 000 hosts on a loaded 2-core VM: a 500-host roll-up statement holds the event
  // loop ~50 ms; deleting 5 s of arrivals (1 500 raw rows) ~115 ms, hence 1 s slices.
  hostsPerStatement: 500,
  rollupSliceMs: 5 * MINUTE,
  deleteSliceMs: 1_000,
};

export type SpecResult = { ok: true; value: RetentionSettings } | { ok: false; error: string };

/**
 * Parse `raw=2h,1m=2d,10m=60d,1h=2y` (the `--retention` flag): how long raw samples are kept, then
 * one `step=keep` per tier. Steps must grow, each a multiple of the previous one, and each tier
 * must be kept longer than the one before it.
 */
export function parseRetentionSpec(spec: string, base: RetentionSettings = RETENTION_DEFAULTS): SpecResult {
  let rawMs: number | undefined;
  const tiers: RollupTier[] = [];
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value] = part.split('=');
    const keepMs = value === undefined ? undefined : parseDuration(value);
    if (key === undefined || keepMs === undefined || keepMs <= 0)
      return { ok: false, error: `"${part}": expected step=duration, e.g. 1m=2d` };
    if (key === 'raw') {
      rawMs = keepMs;
      continue;
    }
    const stepMs = parseDuration(key);
    if (stepMs === undefined || stepMs < 1000 || !Number.isInteger(stepMs))
      return { ok: false, error: `"${key}": a tier's step is a duration of at least 1s` };
    tiers.push({ stepMs, keepMs });
  }
  tiers.sort((a, b) => a.stepMs - b.stepMs);
  const raw = rawMs ?? base.rawMs;
  let previous = { stepMs: 1, keepMs: raw };
  for (const tier of tiers) {
    if (tier.stepMs % previous.stepMs !== 0)
      return { ok: false, error: `a ${tier.stepMs} ms step is not a multiple of ${previous.stepMs} ms` };
    if (tier.keepMs <= previous.keepMs)
      return { ok: false, error: 'each tier must be kept longer than the finer one before it' };
    previous = tier;
  }
  return { ok: true, value: { ...base, rawMs: raw, tiers: tiers.length > 0 ? tiers : base.tiers } };
}
