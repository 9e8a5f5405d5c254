import type { Db } from '../../db/connect.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../lib/logger.js';
import { deletePostEngagement } from '../engagement/cleanup.js';

const BATCH = 50;

/**
 * The asynchronous half of deleting a post: its likes and comments go, and each of its photos that
 * no other post (or avatar) uses is detached, so the media collector deletes the bytes once the
 * retention window has passed. Idempotent and restart-safe: it works from `deleted_at` /
 * `cleaned_at`, so a crash half-way is finished by the next run.
 */
export class PostCleanup {
  private running: Promise<number> | undefined;

  constructor(private readonly deps: { db: Db; clock: Clock; log: Logger }) {}

  /** Run now unless a run is in flight (which will see the new work on its next batch). */
  kick(): void {
    this.run().catch((error: unknown) => this.deps.log.error({ err: error }, 'post cleanup failed'));
  }

  run(): Promise<number> {
    this.running ??= this.cleanAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async cleanAll(): Promise<number> {
    let cleaned = 0;
    for (;;) {
      const batch = await this.deps.db.kysely
        .selectFrom('posts')
        .select('id')
        .where('deleted_at', 'is not', null)
        .where('cleaned_at', 'is', null)
        .orderBy('id')
        .limit(BATCH)
        .execute();
      for (const { id } of batch) await this.cleanOne(id);
      cleaned += batch.length;
      if (batch.length < BATCH) return cleaned;
    }
  }

  private async cleanOne(postId: string): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    await this.deps.db.kysely.transaction().execute(async (trx) => {
      await deletePostEngagement(trx, postId);
      const media = await trx.selectFrom('post_media').select('media_id').where('post_id', '=', postId).execute();
      await trx.deleteFrom('post_media').where('post_id', '=', postId).execute();
      const mediaIds = media.map((m) => m.media_id);
      if (mediaIds.length > 0) {
        // Detach photos nothing else uses; `updated_at` starts the retention clock of the collector.
        await trx
          .updateTable('media')
          .set({ attached_at: null, updated_at: now })
          .where('id', 'in', mediaIds)
          .where((eb) =>
            eb.and([
              eb.not(
                eb.exists(
                  eb.selectFrom('post_media').select('post_id').whereRef('post_media.media_id', '=', 'media.id'),
                ),
              ),
              eb.not(
                eb.exists(eb.selectFrom('users').select('users.id').whereRef('users.avatar_media_id', '=', 'media.id')),
              ),
            ]),
          )
          .execute();
      }
      // Its counters now count nothing: zero them so they stay equal to a recount.
      await trx
        .updateTable('posts')
        .set({ cleaned_at: now, like_count: 0, comment_count: 0 })
        .where('id', '=', postId)
        .execute();
    });
  }
}
