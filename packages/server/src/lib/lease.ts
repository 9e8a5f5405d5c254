import { randomBytes } from 'node:crypto';

/**
 * How long a claim on background work (an image to process, a batch of outbox events) lasts
 * without renewal. Short, so work a dead process held is taken over within seconds; the holder
 * renews it every HEARTBEAT_MS while the work runs, so long work keeps it.
 */
export const LEASE_MS = 30_000;
/** A third of the lease: two renewals can fail (a slow database, a busy event loop) before it lapses. */
export const HEARTBEAT_MS = 10_000;

/**
 * A holder name for work leases when no node lease names the process (tests and tools that run
 * a dispatcher or processor of their own): random, so it is nobody else's.
 */
export function anonymousHolderName(): string {
  return `anonymous-${randomBytes(4).toString('hex')}`;
}

/**
 * Which `claimed_by` / `locked_by` values name earlier holders of node id `node` (SQL LIKE
 * patterns): `node-<node>.<generation>`, and `node-<node>` as pinned processes named themselves
 * before node ids were leased. A process that has just leased `node` knows every earlier holder
 * of it is dead or fenced off (its lease lapsed), so it may free their work at once.
 */
export function earlierHolderPatterns(node: number): string[] {
  return [`node-${node}.%`, `node-${node}`];
}

/** Thrown into work whose lease another process took over: it must stop writing. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(what: string) {
    super(`The lease on ${what} was lost to another process.`);
  }
}

export interface HeartbeatOptions {
  intervalMs: number;
  /** Extends the lease; resolves false once this process no longer holds it. */
  renew: () => Promise<boolean>;
  /** A renewal that failed (database unreachable): logged; the next beat tries again. */
  onError: (error: unknown) => void;
  /** What the lease is on, for the error the signal carries. */
  what: string;
}

export interface Heartbeat {
  /** Aborted (with a LeaseLostError) when a renewal finds the lease held by someone else. */
  readonly signal: AbortSignal;
  /** Stops renewing; resolves once a renewal in flight has finished. */
  stop(): Promise<void>;
}

/** Renews a lease every `intervalMs` until stopped or lost. The timer never keeps the process alive. */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const controller = new AbortController();
  let renewing: Promise<void> | undefined;
  const beat = (): void => {
    if (renewing || controller.signal.aborted) return;
    renewing = options
      .renew()
      .then(
        (held) => {
          if (!held) controller.abort(new LeaseLostError(options.what));
        },
        (error: unknown) => options.onError(error),
      )
      .finally(() => {
        renewing = undefined;
      });
  };
  const timer = setInterval(beat, options.intervalMs);
  timer.unref();
  return {
    signal: controller.signal,
    async stop() {
      clearInterval(timer);
      await renewing;
    },
  };
}
