import { describe, expect, it } from 'vitest';
import { resolveRetryPolicy, retryDelay } from './retry.js';

describe('retryDelay', () => {
  const policy = resolveRetryPolicy({ retries: 3, baseDelayMs: 100, maxDelayMs: 1_000 });

  it('draws from [0, base * 2^(n-1)) — full jitter', () => {
    expect(retryDelay(1, policy, undefined, () => 0)).toBe(0);
    expect(retryDelay(1, policy, undefined, () => 0.999)).toBe(99);
    expect(retryDelay(2, policy, undefined, () => 0.5)).toBe(100);
    expect(retryDelay(3, policy, undefined, () => 0.999)).toBe(399);
  });

  it('never exceeds maxDelayMs', () => {
    const many = resolveRetryPolicy({ retries: 20, baseDelayMs: 100, maxDelayMs: 1_000 });
    expect(retryDelay(15, many, undefined, () => 0.999)).toBe(999);
  });

  it('gives up after the last retry', () => {
    expect(retryDelay(4, policy, undefined, () => 0.5)).toBeUndefined();
  });

  it('waits exactly retryAfter when the server gives one, and gives up when it is too long', () => {
    expect(retryDelay(1, policy, 0.5, () => 0)).toBe(500);
    expect(retryDelay(1, policy, 2, () => 0)).toBeUndefined();
  });

  it('defaults to 3 retries', () => {
    expect(resolveRetryPolicy().retries).toBe(3);
  });
});
