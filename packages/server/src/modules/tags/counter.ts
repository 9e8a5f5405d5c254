import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface TagCounterLog {
  error(obj: object, msg: string): void;
}

/**
 * `tags.post_count` kept by micro-batched increments (seed 000 §11): deltas add up in memory and
 * one transaction applies them a few seconds later, so a popular tag costs one UPDATE per flush
 * rather than one per post. A crash loses at most one interval of deltas (the exact figure can be
 * recomputed from `post_tags`, whose rows are authoritative).
 */
export class TagCounter {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: TagCounterLog,
    private readonly intervalMs = 2_000,
  ) {}

  add(tagId: string, delta: number): void {
    if (delta === 0) return;
    this.pending.set(tagId, (this.pending.get(tagId) ?? 0) + delta);
    this.timer ??= setTimeout(() => {
      this.flush().catch((err: unknown) => this.log.error({ err }, 'tag counter flush failed'));
    }, this.intervalMs).unref();
  }

  /** Apply every pending delta now (also called on shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    const run = this.flushing.then(async () => {
      const entries = [...batch].filter(([, delta]) => delta !== 0);
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
    });
    this.flushing = run.catch(() => undefined);
    await run;
  }
}
