/** `tryRun` found the queue full: the caller should answer "busy" rather than wait. */
export class WorkQueueFullError extends Error {
  override readonly name = 'WorkQueueFullError';
}

export interface WorkLimiterOptions {
  /** Tasks running at once. */
  concurrency: number;
  /** Tasks `tryRun` lets wait for a slot; past that it refuses. */
  maxQueued: number;
}

/**
 * At most `concurrency` tasks at once, the rest waiting in arrival order. `run` always waits, for
 * callers whose number is bounded by their own design (a fixed pool of workers); `tryRun` refuses
 * when `maxQueued` tasks already wait, for callers whose number is up to the outside world (HTTP
 * requests), so a burst costs a quick refusal instead of an ever longer queue.
 */
export class WorkLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: WorkLimiterOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    if (!Number.isInteger(options.maxQueued) || options.maxQueued < 0) {
      throw new RangeError(`maxQueued must be a non-negative integer, got ${options.maxQueued}`);
    }
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  get concurrency(): number {
    return this.options.concurrency;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.acquire().then(() => this.runHeld(task));
  }

  /** As `run`, but rejects with WorkQueueFullError at once when it would have to wait behind a full queue. */
  tryRun<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.options.concurrency && this.waiting.length >= this.options.maxQueued) {
      return Promise.reject(new WorkQueueFullError('Too much work is already waiting.'));
    }
    return this.run(task);
  }

  private acquire(): Promise<void> {
    // Nobody may overtake a waiting task, so a free slot with a queue still means waiting.
    if (this.running < this.options.concurrency && this.waiting.length === 0) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async runHeld<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task: `running` stays the same.
      if (next) next();
      else this.running -= 1;
    }
  }
}
