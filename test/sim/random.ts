/** A source of uniform numbers in [0, 1); injected so a seed replays the same fleet and faults. */
export type Random = () => number;

/** Seeded PRNG (mulberry32): fast, tiny state, plenty for load shapes (not for secrets). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Integer in [min, max], both included. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Derive an independent stream, so adding a consumer does not shift every other one. */
export function forkRandom(random: Random): Random {
  return createRandom(Math.floor(random() * 4_294_967_296));
}

/** Pick `count` distinct items uniformly (partial Fisher–Yates on a copy). */
export function pickDistinct<T>(random: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i += 1) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}
