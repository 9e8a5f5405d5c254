import type { Kysely } from 'kysely';
import { preparedQuery, type ParamRefs } from '../../db/prepared-query.js';
import type { Database } from '../../db/schema.js';
import type { Reaction } from './reactions.js';

const reactionsQuery = preparedQuery((db, p: ParamRefs<{ viewerId: string; postIds: string[] }>) =>
  db
    .selectFrom('likes')
    .select(['post_id', 'reaction'])
    .where('user_id', '=', p.id('viewerId'))
    .where(p.idIn('post_id', 'postIds')),
);

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
  const rows = await reactionsQuery.execute(db, { viewerId, postIds: [...new Set(postIds)] });
  return new Map(rows.map((row) => [row.post_id, row.reaction as Reaction]));
}
