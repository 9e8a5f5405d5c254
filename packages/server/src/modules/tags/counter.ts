import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { SerialFlush, type FlushLog } from '../../lib/serial-flush.js';

/**
 * `tags.post_count` in micro-batches, as the Instagram case-study notes advise: deltas add up in memory and
 * one transaction applies them a few seconds later, so a popular tag costs one UPDATE per flush
 * rather than one per post. A crash loses at most one interval of deltas (the exact figure can be
 * recomputed from `post_tags`, whose rows are authoritative).
 */
export class TagCounter {
  private pending = new Map<string, number>();
  private readonly flusher: SerialFlush;

  constructor(
    private readonly db: Kysely<Database>,
    log: FlushLog,
    intervalMs = 2_000,
  ) {
    this.flusher = new SerialFlush(() => this.writePending(), { delayMs: intervalMs, log, what: 'tag counter' });
  }

  add(tagId: string, delta: number): void {
    if (delta === 0) return;
    this.pending.set(tagId, (this.pending.get(tagId) ?? 0) + delta);
    this.flusher.schedule();
  }

  /** Apply every pending delta now (also called on shutdown). */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  private async writePending(): Promise<void> {
    const entries = [...this.pending].filter(([, delta]) => delta !== 0);
    this.pending = new Map();
    if (entries.length === 0) return;
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const [tagId, delta] of entries) {
          await trx
            .updateTable('tags')
            .set((eb) => ({ post_count: eb('post_count', '+', delta) }))
            .where('id', '=', tagId)
            .execute();
        }
      });
    } catch (err) {
      // Put the deltas back so the next flush retries them.
      for (const [tagId, delta] of entries) this.add(tagId, delta);
      throw err;
    }
  }
}
