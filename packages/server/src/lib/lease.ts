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
 * This process's name in `claimed_by` / `locked_by`. A pinned node id (APERTURE_NODE_ID) is the
 * process's identity across restarts, so its restart may release what it held; an unpinned one is
 * random and could be drawn again by another process, so a random suffix keeps it unique and
 * its leases simply lapse.
 */
export function leaseHolderName(nodeId: number, pinned: boolean): string {
  return pinned ? `node-${nodeId}` : `node-${nodeId}-${randomBytes(4).toString('hex')}`;
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
