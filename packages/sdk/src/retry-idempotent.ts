import { ApertureError } from './errors.js';
import { sleep } from './media/abort.js';
import { isRetryable, retryDelay, type RetryPolicy } from './retry.js';

/**
 * Runs a mutation the server deduplicates (an idempotency key, a complete of the same upload)
 * again after failures that may be transient. Only such calls may be retried: a lost answer does
 * not tell whether the first attempt took effect.
 */
export async function retryIdempotent<T>(
  call: (signal: AbortSignal | undefined) => Promise<T>,
  signal: AbortSignal | undefined,
  policy: RetryPolicy,
): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await call(signal);
    } catch (error) {
      const delay =
        error instanceof ApertureError && isRetryable(error) && !signal?.aborted
          ? retryDelay(retry, policy, error.retryAfter)
          : undefined;
      if (delay === undefined) throw error;
      await sleep(delay, signal);
    }
  }
}

/** A fresh idempotency key: a random UUID (Web Crypto, so browsers and Node alike). */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}
