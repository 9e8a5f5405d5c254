/** Most keys remembered; past it, expired keys are dropped, then the oldest. */
const MAX_KEYS = 100_000;

/**
 * Remembers who viewed what in the last window, so reloading a post does not inflate its
 * count. Per process and best effort: a viewer whose requests reach two processes may count twice.
 */
export class RecentViews {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** True if `key` was not seen within the window; records it as seen at `now` either way. */
  firstSince(key: string, now: number): boolean {
    if (this.windowMs <= 0) return true;
    const last = this.seen.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    // Re-insert so Map order stays oldest-first.
    this.seen.delete(key);
    this.seen.set(key, now);
    if (this.seen.size > MAX_KEYS) this.prune(now);
    return true;
  }

  private prune(now: number): void {
    for (const [key, at] of this.seen) {
      if (this.seen.size <= MAX_KEYS && now - at < this.windowMs) break;
      this.seen.delete(key);
    }
  }
}
