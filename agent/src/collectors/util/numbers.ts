// Arithmetic helpers that keep every value inside `sampleSchema`: no NaN, no Infinity, no
// negative counters after a wrap or reset, percents within 0–100.

/** Rounds to `digits` decimals; non-finite input becomes 0. */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return 0;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A share in percent clamped to 0–100, 0 when the whole is 0. */
export function pct(part: number, whole: number): number {
  if (!(whole > 0) || !Number.isFinite(part)) return 0;
  return round(Math.min(100, Math.max(0, (part / whole) * 100)));
}

/**
 * Per-second rate of a counter; a counter that went backwards (wrap, reset) counts as 0. Three
 * significant digits at most below 1000 and whole units above: the hundredths of 28 643.36 B/s are
 * noise that only lengthen every report.
 */
export function ratePerSec(current: number, previous: number, elapsedMs: number): number {
  if (!(elapsedMs > 0)) return 0;
  const delta = current - previous;
  if (!(delta > 0)) return 0;
  const rate = (delta * 1000) / elapsedMs;
  return round(rate, rate >= 100 ? 0 : rate >= 10 ? 1 : 2);
}

/** A non-negative integer from a possibly missing or malformed number. */
export function toCount(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value) || value < 0) return 0;
  return Math.round(value);
}

/** Parses an integer field; `undefined` when it is not a number. */
export function int(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) ? n : undefined;
}
