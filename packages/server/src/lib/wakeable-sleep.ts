/**
 * The idle wait of a polling worker: `sleep(ms)` resolves after `ms`, or at once when `wake()` is
 * called (new work queued in this process, or shutdown). Polling still finds work queued by other
 * processes.
 */
export class WakeableSleep {
  private readonly sleepers = new Set<() => void>();

  sleep(ms: number): Promise<void> {
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
    for (const wake of [...this.sleepers]) wake();
  }
}
