import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/**
 * Removes every like and comment of a post, for the cleanup that follows a post's deletion. Run it
 * inside the cleanup's transaction, which also zeroes the post's counters.
 */
export async function deletePostEngagement(trx: Kysely<Database>, postId: string): Promise<void> {
  await trx.deleteFrom('likes').where('post_id', '=', postId).execute();
  // Replies first: they reference their parent comment.
  await trx.deleteFrom('comments').where('post_id', '=', postId).where('parent_id', 'is not', null).execute();
  await trx.deleteFrom('comments').where('post_id', '=', postId).execute();
}
