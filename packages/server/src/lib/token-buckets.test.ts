import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets.js';

function buckets(options: { capacity?: number; perSecond?: number; maxKeys?: number } = {}) {
  let now = 0;
  const limiter = new TokenBuckets({
    capacity: options.capacity ?? 3,
    refillPerSecond: options.perSecond ?? 1,
    maxKeys: options.maxKeys ?? 100,
    now: () => now,
  });
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe('TokenBuckets', () => {
  it('lets a burst of the capacity through, then refills at the rate', () => {
    const { limiter, advance } = buckets({ capacity: 3, perSecond: 0.5 });
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 2 });
    advance(1_000);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    advance(1_000);
    expect(limiter.take('a').ok).toBe(true);
    // Other keys are not affected.
    expect(limiter.take('b').ok).toBe(true);
  });

  it('charges nothing for a refused take, and takes several tokens at once', () => {
    const { limiter } = buckets({ capacity: 5 });
    expect(limiter.take('a', 4).ok).toBe(true);
    expect(limiter.take('a', 2)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('a', 1).ok).toBe(true);
  });

  it('admits a cost above the capacity from a full bucket, leaving it in debt', () => {
    const { limiter, advance } = buckets({ capacity: 2, perSecond: 1 });
    expect(limiter.take('a', 5).ok).toBe(true);
    // 2 - 5 = -3: one token is back after 4 s.
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 4 });
    advance(4_000);
    expect(limiter.take('a').ok).toBe(true);
  });

  it('keeps at most maxKeys buckets under a spray of keys, forgetting the least recently used', () => {
    const { limiter } = buckets({ capacity: 1, maxKeys: 1_000 });
    limiter.take('regular');
    for (let i = 0; i < 50_000; i++) {
      limiter.take(`spray-${i}`);
      if (i % 100 === 0) limiter.take('regular');
      expect(limiter.size).toBeLessThanOrEqual(1_000);
    }
    // Used all along, so still remembered (and still empty).
    expect(limiter.take('regular').ok).toBe(false);
    // Sprayed long ago: forgotten, so full again.
    expect(limiter.take('spray-0').ok).toBe(true);
  });
});
