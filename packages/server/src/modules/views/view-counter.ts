import { sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/schema.js';

export interface ViewCounterLog {
  error(obj: object, msg: string): void;
}

export interface ViewCounterOptions {
  db: Kysely<Database>;
  caps: DialectCapabilities;
  log: ViewCounterLog;
  /** How often pending views are written (default 5 s). */
  flushIntervalMs?: number;
}

/**
 * Per-process view counts (seed 002 "Read Service"): a view is a map increment, and a flush adds
 * every pending count to `posts.view_count` with one UPDATE … CASE per batch, so a viral post
 * costs one row write per interval instead of one per view. Flushed on stop, so a clean
 * shutdown loses nothing; a crash loses at most one interval.
 */
export class ViewCounter {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly db: Kysely<Database>;
  private readonly caps: DialectCapabilities;
  private readonly log: ViewCounterLog;
  readonly flushIntervalMs: number;

  constructor(options: ViewCounterOptions) {
    this.db = options.db;
    this.caps = options.caps;
    this.log = options.log;
    this.flushIntervalMs = options.flushIntervalMs ?? 5_000;
  }

  add(postId: string, count = 1): void {
    this.pending.set(postId, (this.pending.get(postId) ?? 0) + count);
  }

  /** Views of this post counted here and not yet written. */
  unflushed(postId: string): number {
    return this.pending.get(postId) ?? 0;
  }

  /** Flush every interval until `stop()`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.flush().catch((err: unknown) => this.log.error({ err }, 'view counter flush failed'));
    }, this.flushIntervalMs).unref();
  }

  /** Stop the timer and write what is pending. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Write every pending count now. Flushes run one after another, never overlapping. */
  async flush(): Promise<void> {
    const run = this.flushing.then(() => this.writePending());
    this.flushing = run.catch(() => undefined);
    await run;
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
