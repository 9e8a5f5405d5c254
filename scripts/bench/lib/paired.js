// Paired rounds for benchmarks that compare Aperture with a raw baseline on a shared, noisy box.
// Rounds run in ABBA order (pair 1: baseline then Aperture, pair 2: Aperture then baseline, …), so
// drift over the run (a warming cache, a neighbour starting work) lands on both sides equally; each
// pair gives one ratio, and the report is the median of those ratios with its interquartile range.
import { readFileSync } from 'node:fs';

/** Runs `pairs` pairs of rounds in ABBA order; `round(side, pair)` measures one side once. */
export async function pairedRounds(pairs, sides, round) {
  const [a, b] = sides;
  const results = [];
  for (let pair = 0; pair < pairs; pair++) {
    const order = pair % 2 === 0 ? [a, b] : [b, a];
    const result = {};
    for (const side of order) result[side] = await round(side, pair);
    results.push(result);
  }
  return results;
}

/** The value at quantile `q` (0–1) of `values`, linearly interpolated. */
export function quantile(values, q) {
  const sorted = [...values].sort((x, y) => x - y);
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/** Median and interquartile range of `values`. */
export function spread(values) {
  return { median: quantile(values, 0.5), q1: quantile(values, 0.25), q3: quantile(values, 0.75), n: values.length };
}

/** `0.93 (IQR 0.90–0.95, 7 pairs)`. */
export function formatSpread({ median, q1, q3, n }, digits = 2) {
  return `${median.toFixed(digits)} (IQR ${q1.toFixed(digits)}–${q3.toFixed(digits)}, ${n} pair${n === 1 ? '' : 's'})`;
}

/**
 * CPU time the calling thread has run, in milliseconds, or undefined where the kernel does not say.
 * Linux keeps it per thread in /proc/thread-self/schedstat (nanoseconds on a CPU); unlike the event
 * loop's busy time it does not grow while the thread waits for a core another process holds, which
 * is what makes it the steadiest figure on a shared machine.
 */
export function threadCpuMs() {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}
