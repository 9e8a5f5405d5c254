/**
 * At most `concurrency` holders at a time, and at most `maxQueue` callers waiting for a turn.
 * A caller that finds the queue full is refused at once (`acquire` resolves to null) rather than
 * queued: waiting work piles up memory and latency, and under a flood nobody is served in time.
 */
export class BoundedSemaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxQueue: number,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be at least 1');
    if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError('maxQueue must be 0 or more');
  }

  /** A release function once it is this caller's turn; null when the queue is full. */
  async acquire(): Promise<(() => void) | null> {
    if (this.active < this.concurrency) {
      this.active++;
      return this.releaser();
    }
    if (this.waiting.length >= this.maxQueue) return null;
    // The slot is handed over by `release` (active stays counted), so no newcomer can overtake.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.releaser();
  }

  /** Holders right now and callers waiting (for tests and metrics). */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
