import { sql, type RawBuilder } from 'kysely';

/**
 * The post policy (`post-policy.ts`) as SQL conditions, for reads that must filter in the database
 * so pages stay full and hidden rows are never counted. They restate `mayViewPost` and must agree
 * with it: `test/visibility/post-visibility-sql.property.test.ts` holds `postVisibleTo` equal to the
 * policy on random graphs on both dialects, and the authorization property test checks the surfaces
 * built from these against an independent model. The post-list pipeline (`posts/pipeline.ts`)
 * still applies the policy itself to every page it shows.
 *
 * `column` names a column of the surrounding query that holds the other user's id (the author).
 */

/** Neither the viewer nor the user in `column` blocked the other. */
export function noBlockBetween(viewerId: string, column: string): RawBuilder<boolean> {
  return sql<boolean>`not exists (select 1 from blocks where
    (blocks.blocker_id = ${viewerId} and blocks.blocked_id = ${sql.ref(column)})
    or (blocks.blocked_id = ${viewerId} and blocks.blocker_id = ${sql.ref(column)}))`;
}

/** The viewer follows the user in `column`, and the follow is active (not a pending request). */
export function followsActively(viewerId: string, column: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from follows where follows.follower_id = ${viewerId}
    and follows.followee_id = ${sql.ref(column)} and follows.state = 'active')`;
}

/**
 * The post in `postTable` (a table or alias) is shown to others: neither hidden by moderation nor
 * held by a word filter. Its author sees it either way.
 */
export function shownToOthers(postTable: string): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${postTable}.hidden_at`)} is null and ${sql.ref(`${postTable}.held_at`)} is null)`;
}

/** The tables (or aliases) of the surrounding query holding the post's row and its author's. */
export interface PostTables {
  post: string;
  author: string;
}

/**
 * `mayViewPost` whole, for a query that joins a post (`tables.post`) to its author's user row
 * (`tables.author`): true exactly for the posts the viewer may see. Search filters with it, so a
 * page holds `limit` visible posts rather than fewer. With a null viewer it is `isPubliclyVisible`:
 * what trending, search's tag previews and a hashtag's public rows count.
 */
export function postVisibleTo(viewerId: string | null, tables: PostTables): RawBuilder<boolean> {
  const post = (column: string) => sql.ref(`${tables.post}.${column}`);
  // Neither deleted nor by a suspended author: what no one, the author included, sees.
  const live = sql<boolean>`(${post('deleted_at')} is null and ${sql.ref(`${tables.author}.suspended_at`)} is null)`;
  // A post anyone may see (`isPubliclyVisible`): not hidden or held, public, by a public account.
  const visibleToAll = sql<boolean>`(${shownToOthers(tables.post)} and ${post('visibility')} = 'public'
    and ${sql.ref(`${tables.author}.is_private`)} = 0)`;
  if (viewerId === null) return sql<boolean>`(${live} and ${visibleToAll})`;
  const authorColumn = `${tables.post}.author_id`;
  // The author sees their own live posts; anyone else needs it neither hidden nor held, no block
  // either way, and either a post anyone may see or an active follow (followers-only posts, private
  // accounts).
  return sql<boolean>`(${live} and (${post('author_id')} = ${viewerId} or (${shownToOthers(tables.post)}
    and ${noBlockBetween(viewerId, authorColumn)}
    and (${visibleToAll} or ${followsActively(viewerId, authorColumn)}))))`;
}

/**
 * The user in `column` is not suspended. Lists of people and of what they wrote (comments, likers,
 * followers, notifications, search) leave suspended accounts out with it, as the post policy does
 * their posts: a suspension hides the account everywhere, and lifting it brings everything back.
 */
export function accountActive(column: string): RawBuilder<boolean> {
  return sql<boolean>`not exists (select 1 from users as suspended_account
    where suspended_account.id = ${sql.ref(column)} and suspended_account.suspended_at is not null)`;
}
