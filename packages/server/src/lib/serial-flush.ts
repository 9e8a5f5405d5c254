export interface FlushLog {
  error(obj: object, msg: string): void;
}

/**
 * The scheduling half of a write-behind buffer (tag counts, session activity): `schedule()` arms
 * one timer for the next write, `flush()` writes now. Writes run one after another, never
 * overlapping, so a flush on shutdown waits for the timer's flush already under way.
 */
export class SerialFlush {
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: () => Promise<void>,
    private readonly options: { delayMs: number; log: FlushLog; what: string },
  ) {}

  /** Write within `delayMs` (a no-op when a write is already scheduled). */
  schedule(): void {
    this.timer ??= setTimeout(() => {
      this.flush().catch((err: unknown) => this.options.log.error({ err }, `${this.options.what} flush failed`));
    }, this.options.delayMs).unref();
  }

  /** Write what is pending now. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.flushing.then(this.write);
    this.flushing = run.catch(() => undefined);
    await run;
  }
}
