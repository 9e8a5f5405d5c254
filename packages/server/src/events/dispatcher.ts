import type { Clock } from '../clock.js';
import type { Db } from '../db/connect.js';
import type { Wakeups } from '../db/wakeups.js';
import type { Logger } from '../lib/logger.js';
import { EventLeases, type Claimed } from './event-leases.js';
import type { EventHandler, EventType, HandlerMap, StoredEvent } from './types.js';
import { LeasedWorker, type LeasedWork } from '../lib/leased-worker.js';
import { LEASE_MS, LeaseLostError, anonymousHolderName } from '../lib/lease.js';

/**
 * A dispatcher owns claimed events this long unless it renews the lease (it does, every
 * HEARTBEAT_MS, while it works through the batch); if it dies, the lease lapses and another
 * process replays them.
 */
export const EVENT_LEASE_MS = LEASE_MS;
/** How often an idle dispatcher looks for events appended by other processes. */
const POLL_MS = 1_000;
/** Retry delays double from this, up to the cap, with jitter so failing events do not retry in lockstep. */
const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 60 * 60_000;
/** Delivered events are kept this long for `aperture admin events`, then pruned. */
const KEEP_DONE_MS = 7 * 24 * 3_600_000;
/** How often a running dispatcher prunes delivered events (see `prune`). */
export const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 1_000;

export interface EventDispatcherOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  batchSize?: number;
  /** Failed attempts after which an event is parked (kept, not retried) until an operator retries it. */
  maxAttempts?: number;
  /**
   * Test seam: runs after an event's handlers succeeded and before it is marked done. Throwing here
   * stands for a crash at the worst moment: the batch is abandoned with its lease still held.
   */
  beforeMarkDone?: (event: StoredEvent) => void | Promise<void>;
  /** This process's name in `events.locked_by` (default: a random one). */
  leaseHolder?: string;
  /** Test seams: the lease length and how often it is renewed (default EVENT_LEASE_MS, HEARTBEAT_MS). */
  leaseMs?: number;
  heartbeatMs?: number;
  /**
   * How long an idle dispatcher waits before looking again for events appended by other processes
   * (default 1 s). Slow where those processes' wake-ups reach this one (Postgres): the poll is
   * then only a safety net, and a failed event's retry wakes the dispatcher itself.
   */
  pollMs?: number;
  /** While started, an `outbox` wake-up from another process makes the dispatcher look at once. */
  wakeups?: Wakeups;
}

/** A claimed batch as the dispatcher works through it. */
interface Batch {
  claimed: Claimed[];
  /** Events of the batch not finished yet: the heartbeat renews exactly these. */
  held: Set<string>;
  /** Events marked done by this process. */
  delivered: number;
}

/**
 * Delivers outbox events to their handlers, at least once. Events are claimed in batches with a
 * short lease (`locked_until`, `locked_by`) renewed while the batch runs; on Postgres the claim
 * skips rows another process is claiming (`FOR UPDATE SKIP LOCKED`), on SQLite the UPDATE re-checks
 * that each row is still free, so any number of workers share the outbox. Within a batch events run
 * in id order, one at a time, so one entity's events are not reordered. A renewal that finds the
 * batch taken over (this process stalled past its lease) aborts the running handler's signal and
 * leaves the rest to the new holder.
 */
export class EventDispatcher {
  private readonly handlers: { [T in EventType]?: EventHandler[] } = {};
  private readonly maxAttempts: number;
  private readonly holder: string;
  private readonly leases: EventLeases;
  private readonly worker: LeasedWorker<Batch>;
  private unlisten: (() => void) | undefined;

  constructor(private readonly options: EventDispatcherOptions) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.holder = options.leaseHolder ?? anonymousHolderName();
    this.leases = new EventLeases({
      db: options.db,
      clock: options.clock,
      holder: this.holder,
      leaseMs: options.leaseMs ?? EVENT_LEASE_MS,
      batchSize: options.batchSize ?? 100,
    });
    this.worker = new LeasedWorker({
      name: 'event dispatcher',
      work: this.batches(),
      log: options.log,
      pollMs: options.pollMs ?? POLL_MS,
      ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
      stepFailedMessage: 'event dispatcher: batch failed',
    });
  }

  /**
   * Adds handlers: each map's handlers of a type run after those subscribed before, in the order
   * given. Subscribe before `start()`; an event delivered earlier is not delivered again.
   */
  subscribe(...maps: HandlerMap[]): this {
    for (const map of maps) {
      for (const [type, handlers] of Object.entries(map) as [EventType, EventHandler[] | undefined][]) {
        if (handlers) this.handlers[type] = [...(this.handlers[type] ?? []), ...handlers];
      }
    }
    return this;
  }

  /**
   * Frees the events this process's holder name still has leased. After stop(), nothing of this
   * process works on them any more; so does a test standing for a restarted process.
   */
  releaseOwnLeases(): Promise<number> {
    return this.leases.release();
  }

  /**
   * Frees events held by earlier holders named by `patterns` (SQL LIKE): a dead predecessor's
   * batch, picked up at once instead of when its lease lapses. Never this process's own.
   */
  releaseLeasesOf(patterns: readonly string[]): Promise<number> {
    return this.leases.releaseMatching(patterns);
  }

  start(): void {
    this.unlisten ??= this.options.wakeups?.listen('outbox', () => this.kick());
    this.worker.start();
  }

  /** Events were appended in this process: look now instead of at the next poll. */
  kick(): void {
    this.worker.kick();
  }

  /** Stop polling; resolves once the batch in flight is finished. */
  stop(): Promise<void> {
    this.unlisten?.();
    this.unlisten = undefined;
    return this.worker.stop();
  }

  /**
   * Process batches until no event is due; resolves to how many events were delivered (marked
   * done). A barrier for this process: it also waits for a batch the background loop holds
   * (claimed events are invisible to another claim), so after it every event appended before the
   * call has been handled — or failed and is waiting for its retry.
   */
  async drain(): Promise<number> {
    let delivered = 0;
    for (;;) {
      await this.worker.whenLoopsIdle();
      const batch = await this.worker.runOnce();
      if (batch) delivered += batch.delivered;
      else if (!this.worker.busy) return delivered;
    }
  }

  /** Delete delivered events older than the retention window; returns how many went. */
  async prune(): Promise<number> {
    const { db, clock } = this.options;
    const cutoff = new Date(clock.now().getTime() - KEEP_DONE_MS).toISOString();
    let total = 0;
    for (;;) {
      const result = await db.kysely
        .deleteFrom('events')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('events')
            .select('id')
            .where('status', '=', 'done')
            .where('processed_at', '<', cutoff)
            .limit(PRUNE_BATCH),
        )
        .executeTakeFirst();
      const n = Number(result.numDeletedRows);
      total += n;
      if (n < PRUNE_BATCH) return total;
    }
  }

  /** The outbox as leased work: a batch of due events, delivered one at a time in id order. */
  private batches(): LeasedWork<Batch> {
    return {
      claim: async () => {
        const claimed = await this.leases.claim();
        if (claimed.length === 0) return undefined;
        return { claimed, held: new Set(claimed.map((c) => c.event.id)), delivered: 0 };
      },
      renew: (batch) => this.leases.renew(batch.held),
      describe: (batch) => `a batch of ${batch.claimed.length} events`,
      run: async (batch, lease) => {
        for (const claimed of batch.claimed) {
          if (lease.aborted) break;
          if (await this.deliver(claimed, batch.held, lease)) batch.delivered++;
        }
      },
      afterLeaseLost: async (batch) => {
        this.options.log.info({ left: batch.held.size }, 'event dispatcher: batch taken over by another process');
        await this.leases.release(batch.held);
      },
    };
  }

  private async deliver({ event, attempts }: Claimed, held: Set<string>, lease: AbortSignal): Promise<boolean> {
    const { db, clock, log } = this.options;
    const handlers = this.handlers[event.type] ?? [];
    try {
      for (const handler of handlers) await handler(event, { signal: lease });
    } catch (error) {
      // Taken over mid-handler: the new holder runs it again (handlers are idempotent); not a failure.
      if (lease.aborted || error instanceof LeaseLostError) return false;
      held.delete(event.id);
      await this.fail(event, attempts + 1, error);
      return false;
    }
    // Outside the try: a "crash" here must not count as a handler failure.
    await this.options.beforeMarkDone?.(event);
    held.delete(event.id);
    // Only while the lease is ours: a process that lost it leaves the event to the new holder.
    const marked = await db.kysely
      .updateTable('events')
      .set({
        status: 'done',
        processed_at: clock.now().toISOString(),
        locked_until: null,
        locked_by: null,
        last_error: null,
      })
      .where('id', '=', event.id)
      .where('locked_by', '=', this.holder)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (marked.numUpdatedRows !== 1n) return false;
    if (handlers.length > 0) log.info({ eventId: event.id, type: event.type }, 'event delivered');
    return true;
  }

  private async fail(event: StoredEvent, attempts: number, error: unknown): Promise<void> {
    const { db, clock, log } = this.options;
    const parked = attempts >= this.maxAttempts;
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 2_000);
    log.error({ err: error, eventId: event.id, type: event.type, attempts, parked }, 'event handler failed');
    const now = clock.now().getTime();
    const retryInMs = parked ? 0 : backoffMs(attempts);
    await db.kysely
      .updateTable('events')
      .set({
        status: parked ? 'parked' : 'pending',
        attempts,
        last_error: message,
        available_at: new Date(now + retryInMs).toISOString(),
        locked_until: null,
        locked_by: null,
      })
      .where('id', '=', event.id)
      .where('locked_by', '=', this.holder)
      .where('status', '=', 'pending')
      .execute();
    // The retry may be due before the next poll: look then. (Another process's failure wakes
    // that process; whichever dispatcher looks first claims it.)
    if (!parked) setTimeout(() => this.kick(), retryInMs + 10).unref();
  }
}

/** Delay before retry number `attempts` (1-based): exponential, capped, with up to 50 % jitter taken off. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempts - 1));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}
