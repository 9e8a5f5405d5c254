import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Wall-clock milliseconds with sub-millisecond resolution. `performance.now()` alone starts at each
 * thread's own origin, so worker threads could not agree on when the run starts; adding the
 * origin gives one time line for the main thread and every worker.
 */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * How long before the due time the timer is asked to fire. Node's timers have whole-millisecond
 * granularity and fire up to ~1 ms either side of what was asked (the delay is truncated, then
 * rounded to the loop's tick), so the timer only brings us close and the rest is waited out on the
 * high-resolution clock.
 */
const TIMER_MARGIN_MS = 2;

/**
 * Below this much time left the wait spins without yielding: one turn of the event loop (answers
 * being read, other sends) can take longer than this, and would make the send late.
 */
const SPIN_MS = 0.05;

/**
 * Resolves at `at` (wall-clock ms, see {@link clock}), never before it: a timer until ~2 ms before,
 * then turns of the event loop (so responses keep being read) until the last 50 µs, spun out on
 * the clock. A request sent early would be timed from a moment before it was sent, and its latency
 * under-reported; one sent a few µs late is timed from its due time all the same (open model).
 *
 * Resolves to the ms spent waiting on the clock after the timer: CPU the load generator burns by
 * design, which `check` must not mistake for the generator being busy with requests.
 */
export async function sleepUntil(at: number): Promise<number> {
  const wait = at - clock();
  if (wait > TIMER_MARGIN_MS) await new Promise((resolve) => setTimeout(resolve, wait - TIMER_MARGIN_MS));
  const spinFrom = clock();
  while (at - clock() > SPIN_MS) await nextTurn();
  let now = clock();
  while (now < at) {
    // Busy-wait: the last few µs are shorter than any way of yielding.
    now = clock();
  }
  return Math.max(0, now - spinFrom);
}
