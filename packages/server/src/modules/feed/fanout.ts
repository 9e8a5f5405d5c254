import type { Db } from '../../db/connect.js';
import type { Clock } from '../../clock.js';
import type { FeedSettings } from '../../config/feed-settings.js';
import { TimelineStore, trimDue } from './timeline-store.js';

/**
 * Hybrid fan-out: a new post is pushed into the timelines of its author's active followers, 1,000
 * rows per transaction, unless the author is a celebrity — then readers pull it at read time.
 * Follows backfill, unfollows/blocks/mutes remove (`handlers.ts` says which event does what). Every
 * step reads current state and is idempotent, so an event replayed after a crash changes nothing.
 */
export class Fanout {
  private readonly timelines: TimelineStore;

  constructor(private readonly deps: { db: Db; clock: Clock; settings: FeedSettings }) {
    this.timelines = new TimelineStore(deps.db.kysely);
  }

  /** Takes the post out of every timeline (a deleted post). */
  removePost(postId: string): Promise<void> {
    return this.timelines.removePost(postId);
  }

  /** Takes the author's posts out of the reader's timeline (an unfollow, a block, a mute). */
  removeAuthor(readerId: string, authorId: string): Promise<void> {
    return this.timelines.removeAuthor(readerId, authorId);
  }

  private activeSince(): string {
    return new Date(this.deps.clock.now().getTime() - this.deps.settings.activeDays * 86_400_000).toISOString();
  }

  /**
   * Pushes a new post into its author's active followers' timelines (a celebrity's stays unpushed).
   * Long for an author with many followers, so it stops between batches once `lease` says another
   * process has taken the event over. Stopping anywhere is safe: pushed rows are keyed (a second
   * push changes nothing), trimming to the cap twice trims nothing more, and `pushed` is set last.
   */
  async pushPost(postId: string, lease: AbortSignal | undefined): Promise<void> {
    const { db, settings } = this.deps;
    const post = await db.kysely
      .selectFrom('posts')
      .innerJoin('users', 'users.id', 'posts.author_id')
      .select(['posts.id', 'posts.author_id', 'posts.deleted_at', 'users.follower_count'])
      .where('posts.id', '=', postId)
      .executeTakeFirst();
    // A celebrity's post stays unpushed (`pushed = 0`): readers pull it.
    if (!post || post.deleted_at !== null || post.follower_count >= settings.celebrityFollowers) return;
    let after = '0';
    for (;;) {
      // Keyset pages over the author's followers: bounded memory however many there are. Read in
      // the push's transaction under a share lock on the follow rows (Postgres): an unfollow waits
      // for the push to commit, so its removal (a later event) finds these rows and takes them out.
      const userIds = await db.kysely.transaction().execute(async (trx) => {
        const batch = await trx
          .selectFrom('follows')
          .innerJoin('users', 'users.id', 'follows.follower_id')
          .select('follows.follower_id')
          .where('follows.followee_id', '=', post.author_id)
          .where('follows.state', '=', 'active')
          .where('users.last_active_at', '>=', this.activeSince())
          .where('follows.follower_id', '>', after)
          .orderBy('follows.follower_id', 'asc')
          .limit(settings.fanoutBatch)
          .$if(db.caps.supportsRowLocks, (qb) => qb.forShare('follows'))
          .execute();
        const ids = batch.map((b) => b.follower_id);
        if (ids.length === 0) return ids;
        lease?.throwIfAborted();
        await this.timelines.push(trx, ids, { id: post.id, authorId: post.author_id });
        const due = ids.filter((userId) => trimDue(userId, post.id, settings.trimEvery));
        await this.timelines.trim(trx, due, settings.timelineCap);
        return ids;
      });
      if (userIds.length === 0) break;
      after = userIds.at(-1)!;
      if (userIds.length < settings.fanoutBatch) break;
      // SQLite calls are synchronous and Kysely's promises resolve as microtasks: without this, a
      // fan-out to many followers would keep the event loop from serving requests until it ends.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Only now may readers rely on their timelines for it; until here they pulled it.
    lease?.throwIfAborted();
    await db.kysely.updateTable('posts').set({ pushed: 1 }).where('id', '=', post.id).execute();
  }

  /** A post made followers-only keeps only rows of readers who still follow; reads filter at once anyway. */
  async keepFollowersOnly(postId: string): Promise<void> {
    await this.deps.db.kysely
      .deleteFrom('timeline')
      .where('post_id', '=', postId)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('follows')
              .select('follows.id')
              .whereRef('follows.follower_id', '=', 'timeline.user_id')
              .whereRef('follows.followee_id', '=', 'timeline.author_id')
              .where('follows.state', '=', 'active'),
          ),
        ),
      )
      .execute();
  }

  /**
   * The followee's recent posts into the follower's timeline: pushed or not, unless the followee is
   * a celebrity (whose unpushed posts readers pull). Not only the pushed ones: a post whose fan-out
   * is running in another worker may have read the followers before this follow committed and not
   * be marked pushed yet; once marked, readers no longer pull it, and this follower would never see
   * it. Its fan-out may add the same row again: rows are keyed.
   */
  async backfill(followerId: string, followeeId: string): Promise<void> {
    const { db, clock, settings } = this.deps;
    const since = new Date(clock.now().getTime() - settings.backfillDays * 86_400_000).toISOString();
    await db.kysely.transaction().execute(async (trx) => {
      // The follow as it stands now, not as the event saw it: a follow undone since, or none at all
      // (an unmute of an account the reader never followed), adds nothing. The share lock makes an
      // unfollow wait for this commit, so its removal (a later event) finds these rows.
      const follow = await trx
        .selectFrom('follows')
        .select('id')
        .where('follower_id', '=', followerId)
        .where('followee_id', '=', followeeId)
        .where('state', '=', 'active')
        .$if(db.caps.supportsRowLocks, (qb) => qb.forShare())
        .executeTakeFirst();
      if (!follow) return;
      const followee = await trx
        .selectFrom('users')
        .select('follower_count')
        .where('id', '=', followeeId)
        .executeTakeFirst();
      const celebrity = (followee?.follower_count ?? 0) >= settings.celebrityFollowers;
      const posts = await trx
        .selectFrom('posts')
        .select(['id', 'author_id'])
        .where('author_id', '=', followeeId)
        .where('deleted_at', 'is', null)
        .$if(celebrity, (qb) => qb.where('pushed', '=', 1))
        .where('created_at', '>=', since)
        .orderBy('id', 'desc')
        .limit(settings.backfillPosts)
        .execute();
      await this.timelines.add(trx, followerId, posts);
      await this.timelines.trim(trx, [followerId], settings.timelineCap);
    });
  }
}
