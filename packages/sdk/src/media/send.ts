import { ApertureError } from '../errors.js';
import type { FetchFunction } from '../http.js';
import { isRetryable, resolveRetryPolicy, retryDelay } from '../retry.js';
import { abortError, sleep } from './abort.js';
import { needsFreshTarget, putBytes, type PutTarget } from './put.js';
import type { UploadSource } from './source.js';

/** One PUT to make: a whole file (part 1 of a single upload) or one part. */
export interface PartPlan {
  partNumber: number;
  offset: number;
  size: number;
  target: PutTarget;
}

export interface SentPart {
  partNumber: number;
  /** Without quotes; undefined when the store sent none back. */
  etag: string | undefined;
}

/** A fresh target for a part whose URL was refused, or its ETag when the store has it already. */
export type Refreshed = { target: PutTarget } | { etag: string };

export interface SendOptions {
  fetch: FetchFunction;
  source: UploadSource;
  signal: AbortSignal | undefined;
  concurrency: number;
  /** Called with +n as bytes go out, and with -n when a failed attempt's bytes are taken back. */
  onSent: (delta: number) => void;
  refresh: (partNumber: number) => Promise<Refreshed>;
}

// 4 tries in all, with short waits: a part's failure is mostly a connection problem. When the
// target says how long to wait (`Retry-After`, e.g. STORAGE_FULL) and that is longer, the error is thrown.
const PART_RETRIES = resolveRetryPolicy({ retries: 3, baseDelayMs: 250, maxDelayMs: 4_000 });

/**
 * Sends the parts, `concurrency` at a time, each retried with backoff on network errors and 5xx.
 * The first part that fails for good stops the others, and its error is thrown.
 */
export async function sendParts(plans: PartPlan[], options: SendOptions): Promise<SentPart[]> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const queue = [...plans];
  const sent: SentPart[] = [];
  let failure: { error: unknown } | undefined;

  const worker = async (): Promise<void> => {
    for (let plan = queue.shift(); plan && !failure; plan = queue.shift()) {
      try {
        sent.push(await sendPart(plan, { ...options, signal }));
      } catch (error) {
        failure ??= { error };
        stop.abort();
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(options.concurrency), plans.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (options.signal?.aborted) throw abortError(options.signal);
  if (failure) throw failure.error;
  return sent.sort((a, b) => a.partNumber - b.partNumber);
}

async function sendPart(plan: PartPlan, options: SendOptions & { signal: AbortSignal }): Promise<SentPart> {
  const { signal } = options;
  const bytes = await options.source.read(plan.offset, plan.offset + plan.size);
  let target = plan.target;
  let refreshed = false;
  for (let retry = 0; ;) {
    let counted = 0;
    try {
      const etag = await putBytes(options.fetch, target, bytes, {
        signal,
        onSent: (n) => {
          counted += n;
          options.onSent(n);
        },
      });
      return { partNumber: plan.partNumber, etag };
    } catch (error) {
      // Whatever this attempt sent may not have arrived: take it back before trying again.
      options.onSent(-counted);
      if (signal.aborted) throw abortError(signal);
      if (!(error instanceof ApertureError)) throw error;
      if (needsFreshTarget(error) && !refreshed) {
        refreshed = true;
        const fresh = await options.refresh(plan.partNumber);
        if ('etag' in fresh) {
          options.onSent(plan.size);
          return { partNumber: plan.partNumber, etag: fresh.etag };
        }
        target = fresh.target;
        continue;
      }
      retry += 1;
      const delay = isRetryable(error) ? retryDelay(retry, PART_RETRIES, error.retryAfter) : undefined;
      if (delay === undefined) throw error;
      await sleep(delay, signal);
    }
  }
}
