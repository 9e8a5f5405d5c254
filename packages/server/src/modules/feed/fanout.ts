import type { Db } from '../../db/connect.js';
import type { Clock } from '../../clock.js';
import type { HandlerMap, StoredEvent } from '../../events/types.js';
import type { FeedSettings } from '../../config/feed-settings.js';
import { TimelineStore, trimDue } from './timeline-store.js';

/**
 * Hybrid fan-out: a new post is pushed into the timelines of its author's active followers, 1,000
 * rows per transaction, unless the author is a celebrity — then readers pull it at read time.
 * Follows backfill, unfollows/blocks/mutes remove. Every handler reads current state and is
 * idempotent, so an event replayed after a crash changes nothing.
 */
export class FanoutHandlers {
  private readonly timelines: TimelineStore;

  constructor(private readonly deps: { db: Db; clock: Clock; settings: FeedSettings }) {
    this.timelines = new TimelineStore(deps.db.kysely);
  }

  handlers(): HandlerMap {
    return {
      'post.created': [(e, context) => this.onPostCreated(e, context?.signal)],
      'post.updated': [(e) => this.onPostUpdated(e)],
      'post.deleted': [(e) => this.timelines.removePost(e.postId)],
      'follow.created': [(e) => (e.state === 'active' ? this.backfill(e.followerId, e.followeeId) : Promise.resolve())],
      'follow.approved': [(e) => this.backfill(e.followerId, e.followeeId)],
      'follow.removed': [(e) => this.timelines.removeAuthor(e.followerId, e.followeeId)],
      'block.created': [
        async (e) => {
          await this.timelines.removeAuthor(e.blockerId, e.blockedId);
          await this.timelines.removeAuthor(e.blockedId, e.blockerId);
        },
      ],
      'mute.created': [(e) => this.timelines.removeAuthor(e.muterId, e.mutedId)],
      'mute.removed': [(e) => this.backfill(e.muterId, e.mutedId)],
    };
  }

  private activeSince(): string {
    return new Date(this.deps.clock.now().getTime() - this.deps.settings.activeDays * 86_400_000).toISOString();
  }

  /**
   * Long for an author with many followers, so it stops between batches once `lease` says another
   * process has taken the event over. Stopping anywhere is safe: pushed rows are keyed (a second
   * push changes nothing), trimming to the cap twice trims nothing more, and `pushed` is set last.
   */
  private async onPostCreated(event: StoredEvent<'post.created'>, lease: AbortSignal | undefined): Promise<void> {
    const { db, settings } = this.deps;
    const post = await db.kysely
      .selectFrom('posts')
      .innerJoin('users', 'users.id', 'posts.author_id')
      .select(['posts.id', 'posts.author_id', 'posts.deleted_at', 'users.follower_count'])
      .where('posts.id', '=', event.postId)
      .executeTakeFirst();
    // A celebrity's post stays unpushed (`pushed = 0`): readers pull it.
    if (!post || post.deleted_at !== null || post.follower_count >= settings.celebrityFollowers) return;
    let after = '0';
    for (;;) {
      // Keyset pages over the author's followers: bounded memory however many there are.
      const batch = await db.kysely
        .selectFrom('follows')
        .innerJoin('users', 'users.id', 'follows.follower_id')
        .select('follows.follower_id')
        .where('follows.followee_id', '=', post.author_id)
        .where('follows.state', '=', 'active')
        .where('users.last_active_at', '>=', this.activeSince())
        .where('follows.follower_id', '>', after)
        .orderBy('follows.follower_id', 'asc')
        .limit(settings.fanoutBatch)
        .execute();
      if (batch.length === 0) break;
      lease?.throwIfAborted();
      const userIds = batch.map((b) => b.follower_id);
      await db.kysely.transaction().execute(async (trx) => {
        await this.timelines.push(trx, userIds, { id: post.id, authorId: post.author_id });
        const due = userIds.filter((userId) => trimDue(userId, post.id, settings.trimEvery));
        await this.timelines.trim(trx, due, settings.timelineCap);
      });
      after = userIds.at(-1)!;
      if (batch.length < settings.fanoutBatch) break;
      // SQLite calls are synchronous and Kysely's promises resolve as microtasks: without this, a
      // fan-out to many followers would keep the event loop from serving requests until it ends.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Only now may readers rely on their timelines for it; until here they pulled it.
    lease?.throwIfAborted();
    await db.kysely.updateTable('posts').set({ pushed: 1 }).where('id', '=', post.id).execute();
  }

  /** A post made followers-only keeps only rows of readers who still follow; reads filter at once anyway. */
  private async onPostUpdated(event: StoredEvent<'post.updated'>): Promise<void> {
    if (!event.visibilityChanged) return;
    await this.deps.db.kysely
      .deleteFrom('timeline')
      .where('post_id', '=', event.postId)
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

  /** The followee's recent pushed posts into the follower's timeline (unpushed ones are pulled anyway). */
  private async backfill(followerId: string, followeeId: string): Promise<void> {
    const { db, clock, settings } = this.deps;
    const since = new Date(clock.now().getTime() - settings.backfillDays * 86_400_000).toISOString();
    const posts = await db.kysely
      .selectFrom('posts')
      .select(['id', 'author_id'])
      .where('author_id', '=', followeeId)
      .where('deleted_at', 'is', null)
      .where('pushed', '=', 1)
      .where('created_at', '>=', since)
      .orderBy('id', 'desc')
      .limit(settings.backfillPosts)
      .execute();
    await db.kysely.transaction().execute(async (trx) => {
      await this.timelines.add(trx, followerId, posts);
      await this.timelines.trim(trx, [followerId], settings.timelineCap);
    });
  }
}
