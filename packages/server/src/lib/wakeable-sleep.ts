/**
 * The idle wait of a polling worker: `sleep(ms)` resolves after `ms`, or at once when `wake()` is
 * called (new work queued in this process or announced by another, or shutdown). A wake-up that
 * comes while nobody sleeps — the worker is busy looking, and its look may have started before
 * the work it announces committed — is kept, and the next `sleep` returns at once: otherwise that
 * work would wait for the next poll, which on Postgres is only a slow safety net.
 */
export class WakeableSleep {
  private readonly sleepers = new Set<() => void>();
  private pending = false;

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  wake(): void {
    if (this.sleepers.size === 0) {
      this.pending = true;
      return;
    }
    for (const wake of [...this.sleepers]) wake();
  }
}
