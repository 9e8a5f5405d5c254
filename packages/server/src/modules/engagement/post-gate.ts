import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database, PostRow } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import { PostAccess } from '../visibility/post-access.js';

export interface VisiblePost {
  post: PostRow;
  access: PostAccess;
}

/**
 * The first step of every engagement procedure: the post, if the viewer may see it. A post that
 * is missing, deleted, hidden, followers-only, behind a private account or across a block gives
 * the same NOT_FOUND, so nothing can be learnt about it from likes or comments.
 */
export async function visiblePost(
  db: Kysely<Database>,
  viewerId: string | null,
  postId: string,
  notFound: () => AppError = postNotFound,
): Promise<VisiblePost> {
  const post = await db.selectFrom('posts').selectAll().where('id', '=', postId).executeTakeFirst();
  if (!post) throw notFound();
  const access = await PostAccess.load(db, viewerId, [post.author_id]);
  if (!access.canView(post)) throw notFound();
  return { post, access };
}

export function postNotFound(): AppError {
  return new AppError('NOT_FOUND', 'No such post.');
}

/**
 * For procedures addressed by comment id: a comment on a post the viewer may not see must answer
 * exactly like a comment that does not exist, message included.
 */
export function commentNotFound(): AppError {
  return new AppError('NOT_FOUND', 'No such comment.');
}

/**
 * SQL condition: the user in `userColumn` and the viewer have not blocked each other (either way).
 * Lists filter in SQL rather than after loading a page so that pages stay full.
 */
export function notBlockedWith(viewerId: string | null, userColumn: string): RawBuilder<SqlBool> {
  if (viewerId === null) return sql<SqlBool>`1 = 1`;
  const user = sql.ref(userColumn);
  return sql<SqlBool>`not exists (select 1 from blocks where (blocks.blocker_id = ${viewerId} and blocks.blocked_id = ${user}) or (blocks.blocked_id = ${viewerId} and blocks.blocker_id = ${user}))`;
}

/** Whether the two users have blocked each other, either way. */
export async function isBlockedEitherWay(db: Kysely<Database>, a: string, b: string): Promise<boolean> {
  if (a === b) return false;
  const row = await db
    .selectFrom('blocks')
    .select('blocker_id')
    .where((eb) =>
      eb.or([
        eb.and([eb('blocker_id', '=', a), eb('blocked_id', '=', b)]),
        eb.and([eb('blocker_id', '=', b), eb('blocked_id', '=', a)]),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether a moderator suspended the user: what they wrote answers NOT_FOUND, like their posts. */
export async function isSuspended(db: Kysely<Database>, userId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('suspended_at').where('id', '=', userId).executeTakeFirst();
  return row?.suspended_at != null;
}
