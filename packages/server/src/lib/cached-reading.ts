/**
 * Wraps an expensive reading so that it runs at most once per `ttlMs`: callers within that time
 * share the last result (or the one in flight), so a burst of callers, a scrape storm say, costs
 * one run. A failed run is kept for the same time too: an outage is not hammered either.
 */
export function cachedReading<T>(read: () => Promise<T>, ttlMs: number, now: () => number): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    const at = now();
    if (cached === undefined || at - cached.at >= ttlMs || at < cached.at) {
      cached = { at, value: read() };
    }
    return cached.value;
  };
}
