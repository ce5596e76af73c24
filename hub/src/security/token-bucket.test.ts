import { describe, expect, it } from 'vitest';
import { createKeyedBuckets, createTokenBucket } from './token-bucket.js';

describe('createTokenBucket', () => {
  it('allows the burst, refuses the next, and refills at the rate on the injected clock', () => {
    let now = 0;
    const bucket = createTokenBucket({ perSec: 2, burst: 3 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 499;
    expect(bucket.take()).toBe(false);
    now += 1;
    expect(bucket.take()).toBe(true);
    now += 60_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe('createKeyedBuckets', () => {
  it('limits each key on its own', () => {
    const buckets = createKeyedBuckets({ perSec: 1, burst: 1, maxKeys: 10 }, () => 0);
    expect(buckets.take('a')).toBe(true);
    expect(buckets.take('a')).toBe(false);
    expect(buckets.take('b')).toBe(true);
  });

  it('forgets idle keys when full, and refuses newcomers while every key is busy', () => {
    let now = 0;
    const buckets = createKeyedBuckets({ perSec: 1, burst: 1, maxKeys: 2 }, () => now);
    buckets.take('a');
    buckets.take('b');
    expect(buckets.take('c')).toBe(false);
    now += 1_000;
    expect(buckets.take('c')).toBe(true);
    expect(buckets.size).toBe(1);
  });
});
