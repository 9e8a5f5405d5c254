/** The outcome of asking a bucket for tokens: admitted, or how long until the request would be. */
export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface TokenBucketsOptions {
  /** Tokens a full bucket holds: the burst a key may spend at once. */
  capacity: number;
  /** Tokens added back per second, up to the capacity. */
  refillPerSecond: number;
  /** Keys remembered at most; the least recently used is forgotten first. */
  maxKeys: number;
  /** Milliseconds, injected so tests can move time. */
  now: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One token bucket per key (a client address), in memory. Memory stays bounded under a spray of
 * keys: at most `maxKeys` buckets are kept and the least recently used goes first. Forgetting a
 * bucket only forgives its debt, and an attacker who owns that many addresses is not slowed by a
 * per-address limit anyway.
 */
export class TokenBuckets {
  // A Map iterates in insertion order; re-inserting on every use keeps it ordered by last use.
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: TokenBucketsOptions) {}

  /** Refilled tokens of `key` as of now (a full bucket when the key is unknown). */
  private current(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: this.options.capacity, at: now };
    const refilled = ((now - bucket.at) / 1000) * this.options.refillPerSecond;
    return { tokens: Math.min(this.options.capacity, bucket.tokens + refilled), at: now };
  }

  /**
   * Whether `cost` tokens may be spent now, without spending them. A cost above the capacity is
   * admitted from a full bucket and leaves it in debt, so it waits longer next time instead of
   * never passing.
   */
  check(key: string, cost: number): TakeResult {
    const { tokens } = this.current(key, this.options.now());
    const needed = Math.min(cost, this.options.capacity);
    if (tokens >= needed) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((needed - tokens) / this.options.refillPerSecond)) };
  }

  /** Spend `cost` tokens (after `check` admitted them). */
  spend(key: string, cost: number): void {
    const now = this.options.now();
    const bucket = this.current(key, now);
    bucket.tokens -= cost;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.options.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }

  /** `check`, then `spend` when admitted. */
  take(key: string, cost = 1): TakeResult {
    const result = this.check(key, cost);
    if (result.ok) this.spend(key, cost);
    return result;
  }

  /** Keys currently remembered (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }
}
