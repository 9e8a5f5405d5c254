import { sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/schema.js';
import { SerialFlush, type FlushLog } from '../../lib/serial-flush.js';

export interface ViewCounterOptions {
  db: Kysely<Database>;
  caps: DialectCapabilities;
  log: FlushLog;
  /** How often pending views are written (default 5 s). */
  flushIntervalMs?: number;
}

/**
 * Per-process view counts: a view is a map increment, and a flush adds every pending count to
 * `posts.view_count` with one UPDATE … CASE per batch, so a viral post costs one row write per
 * interval instead of one per view. Flushed on stop, so a clean shutdown loses nothing; a crash
 * loses at most one interval.
 */
export class ViewCounter {
  private pending = new Map<string, number>();
  private started = false;
  private readonly db: Kysely<Database>;
  private readonly caps: DialectCapabilities;
  private readonly flusher: SerialFlush;

  constructor(options: ViewCounterOptions) {
    this.db = options.db;
    this.caps = options.caps;
    this.flusher = new SerialFlush(() => this.writePending(), {
      delayMs: options.flushIntervalMs ?? 5_000,
      log: options.log,
      what: 'view counter',
    });
  }

  add(postId: string, count = 1): void {
    this.pending.set(postId, (this.pending.get(postId) ?? 0) + count);
    if (this.started) this.flusher.schedule();
  }

  /** Views of this post counted here and not yet written. */
  unflushed(postId: string): number {
    return this.pending.get(postId) ?? 0;
  }

  /** Write pending views at most an interval after they were counted, until `stop()`. */
  start(): void {
    this.started = true;
    if (this.pending.size > 0) this.flusher.schedule();
  }

  /** Stop writing by timer and write what is pending. */
  async stop(): Promise<void> {
    this.started = false;
    await this.flush();
  }

  /** Write every pending count now. Flushes run one after another, never overlapping. */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  private async writePending(): Promise<void> {
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    const entries = [...batch];
    // Each post binds its id twice (CASE arm and IN list); counts are inlined integers.
    const perStatement = Math.max(1, Math.floor((this.caps.maxBindParameters - 16) / 2));
    let written = 0;
    try {
      for (; written < entries.length; written += perStatement) {
        await this.updateCounts(entries.slice(written, written + perStatement));
      }
    } catch (err) {
      // Put back what was not written so the next flush retries it.
      for (const [postId, count] of entries.slice(written)) this.add(postId, count);
      throw err;
    }
  }

  private async updateCounts(entries: [string, number][]): Promise<void> {
    const arms = sql.join(
      entries.map(([postId, count]) => sql`when ${postId} then ${sql.lit(Math.trunc(count))}`),
      sql` `,
    );
    await this.db
      .updateTable('posts')
      .set({ view_count: sql<number>`view_count + (case id ${arms} else 0 end)` })
      .where(
        'id',
        'in',
        entries.map(([postId]) => postId),
      )
      .execute();
  }
}
