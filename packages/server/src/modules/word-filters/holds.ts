import type { Selectable, Transaction } from 'kysely';
import type { ContentHoldsTable, Database } from '../../db/schema.js';
import type { Emit } from '../../events/outbox.js';

export type HoldRow = Selectable<ContentHoldsTable>;

/**
 * Releases a pending hold inside the caller's transaction: the post or comment becomes visible as
 * the visibility rules allow (once no other hold keeps it), and the events its write held back are
 * emitted now, so followers' feeds, hashtags and notifications get it. Runs in the caller's
 * transaction so a moderator's release and its audit-log row commit together (`ModerationActions`).
 * Undefined when there is no such pending hold (never held, or released already, perhaps by another
 * process a moment ago: the conditional update makes one of two releases win).
 */
export async function releaseHold(
  trx: Transaction<Database>,
  emit: Emit,
  holdId: string,
  now: string,
): Promise<HoldRow | undefined> {
  const hold = await trx
    .updateTable('content_holds')
    .set({ released_at: now })
    .where('id', '=', holdId)
    .where('released_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!hold) return undefined;
  const others = trx
    .selectFrom('content_holds')
    .select('id')
    .where('post_id', '=', hold.post_id)
    .where('released_at', 'is', null);
  if (hold.subject === 'comment' && hold.comment_id !== null) {
    const pending = await others.where('comment_id', '=', hold.comment_id).executeTakeFirst();
    if (pending) return hold;
    const comment = await trx
      .updateTable('comments')
      .set({ held_at: null })
      .where('id', '=', hold.comment_id)
      .where('deleted_at', 'is', null)
      .returning(['id', 'post_id', 'author_id', 'parent_id'])
      .executeTakeFirst();
    if (comment) {
      await emit({
        type: 'comment.created',
        commentId: comment.id,
        postId: comment.post_id,
        authorId: comment.author_id,
        parentId: comment.parent_id,
      });
    }
    return hold;
  }
  const pending = await others.where('comment_id', 'is', null).executeTakeFirst();
  if (pending) return hold;
  const post = await trx
    .updateTable('posts')
    .set({ held_at: null })
    .where('id', '=', hold.post_id)
    .where('deleted_at', 'is', null)
    .returning(['id', 'author_id'])
    .executeTakeFirst();
  if (post) {
    // A post held from the start was never announced; a held caption edit is an update.
    await emit(
      hold.subject === 'post'
        ? { type: 'post.created', postId: post.id, authorId: post.author_id }
        : {
            type: 'post.updated',
            postId: post.id,
            authorId: post.author_id,
            visibilityChanged: false,
            captionChanged: true,
          },
    );
  }
  return hold;
}
