import { HEARTBEAT_MS, startHeartbeat } from './lease.js';
import type { Logger } from './logger.js';
import { WakeableSleep } from './wakeable-sleep.js';

/**
 * One kind of background work claimed from the database under a lease that names this process
 * (an image to process, a batch of outbox events). `LeasedWorker` owns the loop around it.
 */
export interface LeasedWork<T> {
  /** Take a lease on the next due piece of work; undefined when none is due. */
  claim(): Promise<T | undefined>;
  /** Extend the lease on `work`; false once another process holds it. */
  renew(work: T): Promise<boolean>;
  /**
   * Do the work. `lease` is aborted (with a LeaseLostError) when a renewal finds another process
   * holding it: this process stalled past its lease, and must stop writing.
   */
  run(work: T, lease: AbortSignal): Promise<void>;
  /** Runs after the lease stopped being renewed, when it was lost during `run`. */
  afterLeaseLost?(work: T): Promise<void>;
  /** What the lease is on, for the LeaseLostError (`media 123`, `a batch of 5 events`). */
  describe(work: T): string;
  /** Fields for the log line of a failed renewal (`{ mediaId }`). */
  logFields?(work: T): object;
}

export interface LeasedWorkerOptions<T> {
  /** Named in log lines: `media processor`, `event dispatcher`. */
  name: string;
  work: LeasedWork<T>;
  log: Logger;
  /** How long an idle loop waits before looking again, for work queued by other processes. */
  pollMs: number;
  /** Loops running at once, each claiming its own work (default 1). */
  concurrency?: number;
  /** How often the lease is renewed while work runs (default HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** The log message when a loop step throws (default `<name>: step failed`). */
  stepFailedMessage?: string;
}

/**
 * The loop every leased background worker shares: `concurrency` loops each claim a piece of work,
 * run it while a heartbeat renews its lease, and look again at once; a loop that found nothing
 * sleeps `pollMs`, or until `kick()` says work was queued in this process. A failed step is logged
 * and the loop goes on (a database outage must not end background work).
 */
export class LeasedWorker<T> {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly idle = new WakeableSleep();
  /** The loops' steps under way, so `whenLoopsIdle` can wait for them. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: LeasedWorkerOptions<T>) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: Math.max(1, this.options.concurrency ?? 1) }, () => this.loop());
  }

  /** Work was queued in this process: idle loops look now instead of at the next poll. */
  kick(): void {
    this.idle.wake();
  }

  /** Stop looking for work; resolves once the work in flight is finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** True while a loop is running a step (claiming or working). */
  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  /** Resolves once the steps the loops are running now have finished (failed ones included). */
  async whenLoopsIdle(): Promise<void> {
    await Promise.all([...this.inFlight].map((step) => step.catch(() => undefined)));
  }

  /**
   * Claim one piece of work and run it under a renewed lease; resolves to the work, or undefined
   * when none was due. The loops call it; so may a caller that wants work done now (tests, drain).
   */
  async runOnce(): Promise<T | undefined> {
    const { work, log, name } = this.options;
    const claimed = await work.claim();
    if (claimed === undefined) return undefined;
    const heartbeat = startHeartbeat({
      intervalMs: this.options.heartbeatMs ?? HEARTBEAT_MS,
      what: work.describe(claimed),
      renew: () => work.renew(claimed),
      onError: (error) => log.error({ err: error, ...work.logFields?.(claimed) }, `${name}: lease renewal failed`),
    });
    try {
      await work.run(claimed, heartbeat.signal);
    } finally {
      await heartbeat.stop();
    }
    // Only once renewals have stopped: none may run after what follows a lost lease.
    if (heartbeat.signal.aborted) await work.afterLeaseLost?.(claimed);
    return claimed;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let worked = false;
      const step = this.runOnce();
      this.inFlight.add(step);
      try {
        worked = (await step) !== undefined;
      } catch (error) {
        this.options.log.error({ err: error }, this.options.stepFailedMessage ?? `${this.options.name}: step failed`);
      } finally {
        this.inFlight.delete(step);
      }
      if (!worked && this.running) await this.idle.sleep(this.options.pollMs);
    }
  }
}
