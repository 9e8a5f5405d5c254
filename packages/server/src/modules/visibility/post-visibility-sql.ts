import { sql, type RawBuilder } from 'kysely';

/**
 * Pieces of the post policy (`post-policy.ts`) as SQL conditions, for reads that must filter in
 * the database so pages stay full and hidden rows are never counted. They restate `mayViewPost`
 * and must agree with it; `PostAccess` keeps the last word where posts are shown, and the
 * authorization property test checks the surfaces that use these against an independent model.
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
