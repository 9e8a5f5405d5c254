import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/**
 * Whether pushing `postId` trims `userId`'s timeline, when timelines are trimmed on one push in
 * `every`: a hash of the pair, so a replayed event makes the same choice and each timeline is
 * trimmed about every `every` pushes, not all of them on the same post.
 */
export function trimDue(userId: string, postId: string, every: number): boolean {
  if (every <= 1) return true;
  // FNV-1a over the two ids.
  let hash = 0x811c9dc5;
  const key = `${userId}:${postId}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % every === 0;
}

/** Writes to the materialised timelines. Every operation is idempotent (events replay). */
export class TimelineStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Push one post into many timelines; existing rows are left alone. */
  async push(trx: Kysely<Database>, userIds: string[], post: { id: string; authorId: string }): Promise<void> {
    if (userIds.length === 0) return;
    await trx
      .insertInto('timeline')
      .values(userIds.map((userId) => ({ user_id: userId, post_id: post.id, author_id: post.authorId })))
      .onConflict((oc) => oc.columns(['user_id', 'post_id']).doNothing())
      .execute();
  }

  /** Add several posts to one timeline (backfill, rebuild). */
  async add(trx: Kysely<Database>, userId: string, posts: { id: string; author_id: string }[]): Promise<void> {
    if (posts.length === 0) return;
    await trx
      .insertInto('timeline')
      .values(posts.map((p) => ({ user_id: userId, post_id: p.id, author_id: p.author_id })))
      .onConflict((oc) => oc.columns(['user_id', 'post_id']).doNothing())
      .execute();
  }

  /**
   * Keep only the newest `cap` rows of each given timeline. One statement per timeline on purpose:
   * with a single `user_id in (…)` statement the cut-off subquery is correlated and runs once per
   * row of every listed timeline (1,000 timelines × 800 rows × an 800-row scan per fan-out batch:
   * tens of seconds). Per timeline it runs once, and a full timeline loses just its oldest rows.
   */
  async trim(trx: Kysely<Database>, userIds: string[], cap: number): Promise<void> {
    for (const userId of userIds) {
      await trx
        .deleteFrom('timeline')
        .where('user_id', '=', userId)
        .where(
          'post_id',
          '<',
          // The cap-th newest post of this timeline; none (fewer than cap rows) keeps all.
          trx
            .selectFrom('timeline')
            .select('post_id')
            .where('user_id', '=', userId)
            .orderBy('post_id', 'desc')
            .limit(1)
            .offset(cap - 1),
        )
        .execute();
    }
  }

  async removeAuthor(userId: string, authorId: string): Promise<void> {
    await this.db.deleteFrom('timeline').where('user_id', '=', userId).where('author_id', '=', authorId).execute();
  }

  async removePost(postId: string): Promise<void> {
    await this.db.deleteFrom('timeline').where('post_id', '=', postId).execute();
  }
}
