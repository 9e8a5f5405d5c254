import type { TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { NetworkError, type ApertureError } from './errors.js';
import { toApertureError } from './error-mapping.js';

/** How queries are retried. Mutations are never retried: they may have taken effect. */
export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retrying off. Default 3. */
  retries?: number;
  /** The cap of the first backoff; each retry doubles it. Default 250 ms. */
  baseDelayMs?: number;
  /** No wait is longer; a `retryAfter` above it is not waited for, the error is thrown. Default 30 s. */
  maxDelayMs?: number;
}

export type RetryPolicy = Required<RetryOptions>;

export function resolveRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    retries: Math.max(0, Math.floor(options.retries ?? 3)),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 250),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 30_000),
  };
}

/** Whether trying again may succeed: no answer, a 5xx, or a 429. (Aborted calls are never retried.) */
export function isRetryable(error: ApertureError): boolean {
  if (error instanceof NetworkError) return true;
  return error.status >= 500 || error.status === 429;
}

/**
 * Milliseconds to wait before retry number `retry` (1-based), or undefined to give up.
 * Exponential backoff with full jitter, unless the server said how long to wait.
 */
export function retryDelay(
  retry: number,
  policy: RetryPolicy,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (retry > policy.retries) return undefined;
  if (retryAfterSeconds !== undefined) {
    const ms = retryAfterSeconds * 1000;
    return ms > policy.maxDelayMs ? undefined : ms;
  }
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * cap);
}

/**
 * A link that retries failed queries by {@link retryDelay}. Not tRPC's `retryLink`, whose delay
 * function sees only the attempt number and so cannot honour the server's `retryAfter`.
 */
export function retryQueriesLink<TRouter extends AnyRouter>(policy: RetryPolicy, serverUrl: string): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let retries = 0;
        let current: Unsubscribable | undefined;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const attempt = (): void => {
          current = next(op).subscribe({
            next: (envelope) => observer.next(envelope),
            complete: () => observer.complete(),
            error: (error) => {
              const delay = op.type === 'query' && !op.signal?.aborted ? delayFor(error, ++retries) : undefined;
              if (delay === undefined) observer.error(error);
              else timer = setTimeout(attempt, delay);
            },
          });
        };
        const delayFor = (error: unknown, retry: number): number | undefined => {
          const mapped = toApertureError(error, serverUrl);
          return isRetryable(mapped) ? retryDelay(retry, policy, mapped.retryAfter) : undefined;
        };
        attempt();
        return () => {
          clearTimeout(timer);
          current?.unsubscribe();
        };
      });
}
