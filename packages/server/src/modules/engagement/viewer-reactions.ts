import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Reaction } from './reactions.js';

/**
 * The viewer's reaction to each of `postIds` they liked, in one query: hydration of every post
 * read uses it for `viewerHasLiked` / `viewerReaction`. Posts the viewer did not like are absent.
 */
export async function viewerReactions(
  db: Kysely<Database>,
  viewerId: string | null,
  postIds: readonly string[],
): Promise<Map<string, Reaction>> {
  if (viewerId === null || postIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('likes')
    .select(['post_id', 'reaction'])
    .where('user_id', '=', viewerId)
    .where('post_id', 'in', [...new Set(postIds)])
    .execute();
  return new Map(rows.map((row) => [row.post_id, row.reaction as Reaction]));
}
