import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { RecountResult } from './types.js';

/**
 * Recomputes every denormalised counter from the rows it summarises and fixes the ones that
 * drifted (`aperture admin recount`). Counters are written in the same transaction as what they
 * count, so a healthy database reports zero everywhere: that is what the repair proves.
 */
export async function recountCounters(db: Kysely<Database>): Promise<RecountResult> {
  const fixed: Record<string, number> = {};
  const run = async (name: string, query: { execute(): Promise<{ numUpdatedRows: bigint }[]> }) => {
    const [result] = await query.execute();
    fixed[name] = Number(result?.numUpdatedRows ?? 0n);
  };

  const followers = sql<number>`(select count(*) from follows where follows.followee_id = users.id and follows.state = 'active')`;
  await run(
    'users.follower_count',
    db.updateTable('users').set({ follower_count: followers }).where('follower_count', '<>', followers),
  );

  const following = sql<number>`(select count(*) from follows where follows.follower_id = users.id and follows.state = 'active')`;
  await run(
    'users.following_count',
    db.updateTable('users').set({ following_count: following }).where('following_count', '<>', following),
  );

  const posts = sql<number>`(select count(*) from posts where posts.author_id = users.id and posts.deleted_at is null)`;
  await run('users.post_count', db.updateTable('users').set({ post_count: posts }).where('post_count', '<>', posts));

  const likes = sql<number>`(select count(*) from likes where likes.post_id = posts.id)`;
  await run('posts.like_count', db.updateTable('posts').set({ like_count: likes }).where('like_count', '<>', likes));

  const comments = sql<number>`(select count(*) from comments where comments.post_id = posts.id and comments.deleted_at is null)`;
  await run(
    'posts.comment_count',
    db.updateTable('posts').set({ comment_count: comments }).where('comment_count', '<>', comments),
  );

  const replies = sql<number>`(select count(*) from comments as r where r.parent_id = comments.id and r.deleted_at is null)`;
  await run(
    'comments.reply_count',
    db.updateTable('comments').set({ reply_count: replies }).where('reply_count', '<>', replies),
  );

  return { fixed };
}
