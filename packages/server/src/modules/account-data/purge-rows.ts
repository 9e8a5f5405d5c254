import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { TextIndex } from '../posts/text-index.js';

/** Rows removed per transaction: far below every bind-parameter limit, short enough not to hold locks long. */
export const PURGE_BATCH = 200;

export type Trx = Kysely<Database>;

/**
 * One batch of the account's posts: their tag rows (returning the public counts to take back),
 * search documents and moderation holds, then the posts, which takes with them (ON DELETE CASCADE)
 * their photos' links, the likes and comments on them, timeline rows and notifications about them.
 * Returns the tag count deltas and how many posts went.
 */
export async function purgePostBatch(
  trx: Trx,
  textIndex: TextIndex,
  userId: string,
): Promise<{ removed: number; tagDeltas: Map<string, number> }> {
  const posts = await trx
    .selectFrom('posts')
    .select('id')
    .where('author_id', '=', userId)
    .orderBy('id')
    .limit(PURGE_BATCH)
    .execute();
  const ids = posts.map((p) => p.id);
  const tagDeltas = new Map<string, number>();
  if (ids.length === 0) return { removed: 0, tagDeltas };
  const tags = await trx
    .deleteFrom('post_tags')
    .where('post_id', 'in', ids)
    .returning(['tag_id', 'is_public'])
    .execute();
  for (const row of tags) if (row.is_public === 1) tagDeltas.set(row.tag_id, (tagDeltas.get(row.tag_id) ?? 0) - 1);
  for (const id of ids) await textIndex.remove(trx, id);
  await trx.deleteFrom('content_holds').where('post_id', 'in', ids).execute();
  await trx.deleteFrom('reports').where('target_kind', '=', 'post').where('target_id', 'in', ids).execute();
  await trx.deleteFrom('posts').where('id', 'in', ids).execute();
  return { removed: ids.length, tagDeltas };
}

/** One batch of the account's likes on others' posts, with those posts' like counts made right. */
export async function purgeLikeBatch(trx: Trx, userId: string): Promise<number> {
  const likes = await trx
    .selectFrom('likes')
    .select(['id', 'post_id'])
    .where('user_id', '=', userId)
    .limit(PURGE_BATCH)
    .execute();
  if (likes.length === 0) return 0;
  await trx
    .deleteFrom('likes')
    .where(
      'id',
      'in',
      likes.map((l) => l.id),
    )
    .execute();
  const postIds = [...new Set(likes.map((l) => l.post_id))];
  const count = sql<number>`(select count(*) from likes where likes.post_id = posts.id)`;
  await trx.updateTable('posts').set({ like_count: count }).where('id', 'in', postIds).execute();
  return likes.length;
}

/**
 * One batch of the account's comments on others' posts. Replies to them go too (ON DELETE
 * CASCADE), and with them the notifications and holds of comments no longer there; the posts'
 * comment counts and the parents' reply counts are recomputed as `aperture admin recount` does.
 */
export async function purgeCommentBatch(trx: Trx, userId: string): Promise<number> {
  const comments = await trx
    .selectFrom('comments')
    .select(['id', 'post_id', 'parent_id'])
    .where('author_id', '=', userId)
    .orderBy('id', 'desc') // replies (newer) before the comments they answer
    .limit(PURGE_BATCH)
    .execute();
  if (comments.length === 0) return 0;
  const ids = comments.map((c) => c.id);
  const postIds = [...new Set(comments.map((c) => c.post_id))];
  const parentIds = [...new Set(comments.flatMap((c) => (c.parent_id === null ? [] : [c.parent_id])))];
  await trx.deleteFrom('comments').where('id', 'in', ids).execute();
  const gone = (table: 'notifications' | 'content_holds') =>
    trx
      .deleteFrom(table)
      .where('post_id', 'in', postIds)
      .where('comment_id', 'is not', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('comments').select('comments.id').whereRef('comments.id', '=', `${table}.comment_id`),
          ),
        ),
      )
      .execute();
  await gone('notifications');
  await gone('content_holds');
  await trx
    .deleteFrom('reports')
    .where('target_kind', '=', 'comment')
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('comments').select('comments.id').whereRef('comments.id', '=', 'reports.target_id')),
      ),
    )
    .where('state', '=', 'open')
    .execute();
  const comment_count = sql<number>`(select count(*) from comments where comments.post_id = posts.id and comments.deleted_at is null)`;
  await trx.updateTable('posts').set({ comment_count }).where('id', 'in', postIds).execute();
  if (parentIds.length > 0) {
    const reply_count = sql<number>`(select count(*) from comments as r where r.parent_id = comments.id and r.deleted_at is null)`;
    await trx.updateTable('comments').set({ reply_count }).where('id', 'in', parentIds).execute();
  }
  return comments.length;
}

/**
 * One batch of follows either way, with the other side's follower or following count recomputed.
 * A pending request counts in neither, as in the recount.
 */
export async function purgeFollowBatch(trx: Trx, userId: string): Promise<number> {
  const follows = await trx
    .selectFrom('follows')
    .select(['id', 'follower_id', 'followee_id'])
    .where((eb) => eb.or([eb('follower_id', '=', userId), eb('followee_id', '=', userId)]))
    .limit(PURGE_BATCH)
    .execute();
  if (follows.length === 0) return 0;
  await trx
    .deleteFrom('follows')
    .where(
      'id',
      'in',
      follows.map((f) => f.id),
    )
    .execute();
  const followees = [...new Set(follows.filter((f) => f.follower_id === userId).map((f) => f.followee_id))];
  const followers = [...new Set(follows.filter((f) => f.followee_id === userId).map((f) => f.follower_id))];
  if (followees.length > 0) {
    const follower_count = sql<number>`(select count(*) from follows where follows.followee_id = users.id and follows.state = 'active')`;
    await trx.updateTable('users').set({ follower_count }).where('id', 'in', followees).execute();
  }
  if (followers.length > 0) {
    const following_count = sql<number>`(select count(*) from follows where follows.follower_id = users.id and follows.state = 'active')`;
    await trx.updateTable('users').set({ following_count }).where('id', 'in', followers).execute();
  }
  return follows.length;
}

/**
 * Everything else that names the account, in one transaction: blocks and mutes either way,
 * timelines (theirs, and their posts in others'), notifications to and from them, sessions, holds
 * of what they wrote, reports they filed or that are about them, idempotency keys, write-limit
 * buckets and sign-in throttles. Reports they resolved as a moderator keep the resolution but not
 * their id. The moderation log is left alone: it is append-only (docs/accounts.md).
 */
export async function purgeRemainingRows(
  trx: Trx,
  user: { id: string; username_key: string; email_key: string },
): Promise<void> {
  const id = user.id;
  await trx
    .deleteFrom('blocks')
    .where((eb) => eb.or([eb('blocker_id', '=', id), eb('blocked_id', '=', id)]))
    .execute();
  await trx
    .deleteFrom('mutes')
    .where((eb) => eb.or([eb('muter_id', '=', id), eb('muted_id', '=', id)]))
    .execute();
  await trx.deleteFrom('timeline').where('user_id', '=', id).execute();
  await trx.deleteFrom('timeline').where('author_id', '=', id).execute();
  await trx.deleteFrom('notifications').where('recipient_id', '=', id).execute();
  await trx.deleteFrom('notifications').where('actor_id', '=', id).execute();
  await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
  await trx.deleteFrom('content_holds').where('author_id', '=', id).execute();
  await trx
    .deleteFrom('reports')
    .where((eb) => eb.or([eb('reporter_id', '=', id), eb('target_user_id', '=', id)]))
    .execute();
  await trx.updateTable('reports').set({ resolved_by_id: null }).where('resolved_by_id', '=', id).execute();
  await trx.deleteFrom('idempotency_keys').where('user_id', '=', id).execute();
  await trx.deleteFrom('write_limits').where('bucket_key', 'like', `%:account:${id}`).execute();
  await trx.deleteFrom('login_throttle').where('username_key', 'in', [user.username_key, user.email_key]).execute();
}
