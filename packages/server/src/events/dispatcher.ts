import type { Clock } from '../clock.js';
import type { Db } from '../db/connect.js';
import type { ProcessorLog } from '../modules/media/processor.js';
import { toStoredEvent } from './outbox.js';
import type { EventHandler, HandlerMap, StoredEvent } from './types.js';
import { WakeableSleep } from '../lib/wakeable-sleep.js';

/** A dispatcher owns claimed events this long; if it dies, the lease lapses and another replays them. */
export const EVENT_LEASE_MS = 5 * 60_000;
/** How often an idle dispatcher looks for events appended by other processes. */
const POLL_MS = 1_000;
/** Retry delays double from this, up to the cap, with jitter so failing events do not retry in lockstep. */
const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 60 * 60_000;
/** Delivered events are kept this long for `aperture admin events`, then pruned. */
const KEEP_DONE_MS = 7 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 1_000;

export interface EventDispatcherOptions {
  db: Db;
  clock: Clock;
  log: ProcessorLog;
  handlers: HandlerMap;
  batchSize?: number;
  /** Failed attempts after which an event is parked (kept, not retried) until an operator retries it. */
  maxAttempts?: number;
  /**
   * Test seam: runs after an event's handlers succeeded and before it is marked done. Throwing here
   * stands for a crash at the worst moment: the batch is abandoned with its lease still held.
   */
  beforeMarkDone?: (event: StoredEvent) => void | Promise<void>;
}

/**
 * Delivers outbox events to their handlers, at least once. Events are claimed in batches with a
 * lease (`locked_until`); on Postgres the claim skips rows another process is claiming
 * (`FOR UPDATE SKIP LOCKED`), so any number of workers share the outbox. Within a batch events run
 * in id order, one at a time, so one entity's events are not reordered.
 */
export class EventDispatcher {
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly idle = new WakeableSleep();
  private lastPruneAt = 0;
  /** The background loop's current claim-and-process step, so `drain` can wait for it. */
  private inFlight: Promise<number> | undefined;
  private readonly batchSize: number;
  private readonly maxAttempts: number;

  constructor(private readonly options: EventDispatcherOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Events were appended in this process: look now instead of at the next poll. */
  kick(): void {
    this.idle.wake();
  }

  /** Stop polling; resolves once the batch in flight is finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loopDone;
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
      await this.inFlight?.catch(() => undefined);
      const batch = await this.claim();
      if (batch.length === 0) {
        if (this.inFlight) continue;
        return delivered;
      }
      delivered += await this.processBatch(batch);
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

  private async loop(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        await this.pruneNowAndThen();
        const step = this.claim().then((batch) =>
          batch.length > 0 ? this.processBatch(batch).then(() => batch.length) : 0,
        );
        this.inFlight = step;
        try {
          worked = (await step) > 0;
        } finally {
          this.inFlight = undefined;
        }
      } catch (error) {
        this.options.log.error({ err: error }, 'event dispatcher: batch failed');
      }
      if (!worked && this.running) await this.idle.sleep(POLL_MS);
    }
  }

  private async pruneNowAndThen(): Promise<void> {
    const now = this.options.clock.now().getTime();
    if (now - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = now;
    const pruned = await this.prune();
    if (pruned > 0) this.options.log.info({ pruned }, 'pruned delivered events');
  }

  /**
   * Take a lease on the next due events. The UPDATE re-checks that each row is still claimable, so
   * on SQLite (no row locks) a second process racing for the same rows updates none of them.
   */
  private async claim(): Promise<Claimed[]> {
    const { db, clock } = this.options;
    const now = clock.now();
    const nowIso = now.toISOString();
    const leaseEnd = new Date(now.getTime() + EVENT_LEASE_MS).toISOString();
    const rows = await db.kysely.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('events')
        .select('id')
        .where('status', '=', 'pending')
        .where('available_at', '<=', nowIso)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
        .orderBy('id', 'asc')
        .limit(this.batchSize)
        .$if(db.caps.supportsSkipLocked, (qb) => qb.forUpdate().skipLocked())
        .execute();
      if (due.length === 0) return [];
      return trx
        .updateTable('events')
        .set({ locked_until: leaseEnd })
        .where(
          'id',
          'in',
          due.map((r) => r.id),
        )
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
        .returning(['id', 'type', 'payload', 'created_at', 'attempts'])
        .execute();
    });
    // RETURNING promises no order; ids are time-sortable.
    rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
    return rows.map((row) => ({ event: toStoredEvent(row), attempts: row.attempts }));
  }

  private async processBatch(batch: Claimed[]): Promise<number> {
    let delivered = 0;
    for (const claimed of batch) {
      if (await this.deliver(claimed)) delivered++;
    }
    return delivered;
  }

  private async deliver({ event, attempts }: Claimed): Promise<boolean> {
    const { db, clock, log } = this.options;
    const handlers = (this.options.handlers[event.type] ?? []) as EventHandler[];
    try {
      for (const handler of handlers) await handler(event);
    } catch (error) {
      await this.fail(event, attempts + 1, error);
      return false;
    }
    // Outside the try: a "crash" here must not count as a handler failure.
    await this.options.beforeMarkDone?.(event);
    await db.kysely
      .updateTable('events')
      .set({ status: 'done', processed_at: clock.now().toISOString(), locked_until: null, last_error: null })
      .where('id', '=', event.id)
      .execute();
    if (handlers.length > 0) log.info({ eventId: event.id, type: event.type }, 'event delivered');
    return true;
  }

  private async fail(event: StoredEvent, attempts: number, error: unknown): Promise<void> {
    const { db, clock, log } = this.options;
    const parked = attempts >= this.maxAttempts;
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 2_000);
    log.error({ err: error, eventId: event.id, type: event.type, attempts, parked }, 'event handler failed');
    const now = clock.now().getTime();
    await db.kysely
      .updateTable('events')
      .set({
        status: parked ? 'parked' : 'pending',
        attempts,
        last_error: message,
        available_at: new Date(now + (parked ? 0 : backoffMs(attempts))).toISOString(),
        locked_until: null,
      })
      .where('id', '=', event.id)
      .execute();
  }
}

/** Delay before retry number `attempts` (1-based): exponential, capped, with up to 50 % jitter taken off. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempts - 1));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

interface Claimed {
  event: StoredEvent;
  /** Failed attempts before this one. */
  attempts: number;
}
