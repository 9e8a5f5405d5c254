/**
 * Wall-clock milliseconds with sub-millisecond resolution. `performance.now()` alone starts at each
 * thread's own origin, so worker threads could not agree on when the run starts; adding the
 * origin gives one time line for the main thread and every worker.
 */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}

export function sleepUntil(at: number): Promise<void> {
  const wait = at - clock();
  return wait > 1 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}
