import type { Kysely } from 'kysely';
import type { Database, PostRow } from '../../db/schema.js';
import type { HandlerMap, StoredEvent } from '../../events/types.js';
import { extractMentions } from './mentions.js';
import type { NotificationKind } from './types.js';
import type { NotificationWriter } from './writer.js';

/**
 * The moderation actions their target's owner hears of, and as which kind. Lifting one (unhide,
 * restore, unsuspend) sends nothing. A suspended user cannot sign in: their `account_suspended`
 * notice waits for them and is the first thing they read if the suspension is lifted.
 */
const MODERATION_NOTICES: Partial<Record<string, NotificationKind>> = {
  hide_post: 'post_hidden',
  mark_sensitive: 'post_sensitive',
  remove_comment: 'comment_removed',
  suspend: 'account_suspended',
};

export interface NotificationHandlerDeps {
  db: Kysely<Database>;
  writer: NotificationWriter;
}

/**
 * Turns domain events into notifications. Each handler re-reads current state (a like undone or a
 * comment deleted before the event is handled notifies nobody) and writes keyed rows, so replays
 * are harmless.
 */
export function createNotificationHandlers(deps: NotificationHandlerDeps): HandlerMap {
  const { db, writer } = deps;

  const livePost = (postId: string): Promise<PostRow | undefined> =>
    db.selectFrom('posts').selectAll().where('id', '=', postId).where('deleted_at', 'is', null).executeTakeFirst();

  const followState = async (followerId: string, followeeId: string) =>
    (
      await db
        .selectFrom('follows')
        .select('state')
        .where('follower_id', '=', followerId)
        .where('followee_id', '=', followeeId)
        .executeTakeFirst()
    )?.state;

  /** Notifies each `@mentioned` user who may see the post, except those in `skip`. */
  const mention = async (
    text: string,
    post: PostRow,
    actorId: string,
    subjectKey: string,
    skip: Set<string>,
    commentId?: string,
  ) => {
    const names = extractMentions(text);
    if (names.length === 0) return;
    const users = await db.selectFrom('users').select('id').where('username_key', 'in', names).execute();
    for (const user of users) {
      if (skip.has(user.id)) continue;
      await writer.insertOnce({ recipientId: user.id, kind: 'mention', subjectKey, actorId, post, commentId });
    }
  };

  return {
    'follow.created': [
      async (event: StoredEvent<'follow.created'>) => {
        // A follow undone before this ran announces nothing; one approved since still was a
        // request (so the outcome does not depend on when the dispatcher got to it).
        if ((await followState(event.followerId, event.followeeId)) === undefined) return;
        await writer.insertOnce({
          recipientId: event.followeeId,
          kind: event.state === 'active' ? 'follow' : 'follow_request',
          subjectKey: event.followerId,
          actorId: event.followerId,
        });
      },
    ],
    'follow.approved': [
      async (event: StoredEvent<'follow.approved'>) => {
        if ((await followState(event.followerId, event.followeeId)) !== 'active') return;
        await writer.insertOnce({
          recipientId: event.followerId,
          kind: 'follow_approved',
          subjectKey: event.followeeId,
          actorId: event.followeeId,
        });
      },
    ],
    'like.created': [
      async (event: StoredEvent<'like.created'>) => {
        const post = await livePost(event.postId);
        if (post) await writer.syncLikes(post);
      },
    ],
    'comment.created': [
      async (event: StoredEvent<'comment.created'>) => {
        const post = await livePost(event.postId);
        const comment = await db
          .selectFrom('comments')
          .select(['id', 'author_id', 'body', 'parent_id'])
          .where('id', '=', event.commentId)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (!post || !comment) return;
        const actorId = comment.author_id;
        const notified = new Set([actorId]);
        // The comment replied to (a reply to a reply is stored under the top-level comment).
        const parentId = event.parentId ?? comment.parent_id;
        if (parentId !== null) {
          const parent = await db
            .selectFrom('comments')
            .select('author_id')
            .where('id', '=', parentId)
            .executeTakeFirst();
          if (parent && !notified.has(parent.author_id)) {
            notified.add(parent.author_id);
            await writer.insertOnce({
              recipientId: parent.author_id,
              kind: 'reply',
              subjectKey: comment.id,
              actorId,
              post,
              commentId: comment.id,
            });
          }
        }
        // A reply to the author's own comment is announced once, as a reply.
        if (!notified.has(post.author_id)) {
          notified.add(post.author_id);
          await writer.insertOnce({
            recipientId: post.author_id,
            kind: 'comment',
            subjectKey: comment.id,
            actorId,
            post,
            commentId: comment.id,
          });
        }
        await mention(comment.body, post, actorId, `c:${comment.id}`, notified, comment.id);
      },
    ],
    'moderation.acted': [
      async (event: StoredEvent<'moderation.acted'>) => {
        const entry = await db
          .selectFrom('moderation_log')
          .selectAll()
          .where('id', '=', event.logId)
          .executeTakeFirst();
        const kind = entry ? MODERATION_NOTICES[entry.action] : undefined;
        if (!entry || !kind) return;
        const comment =
          entry.target_kind === 'comment'
            ? await db.selectFrom('comments').select('post_id').where('id', '=', entry.target_id).executeTakeFirst()
            : undefined;
        const postId = entry.target_kind === 'post' ? entry.target_id : comment?.post_id;
        const post = postId === undefined ? undefined : await livePost(postId);
        if (postId !== undefined && !post) return;
        await writer.insertOnce({
          recipientId: entry.target_user_id,
          kind,
          // One notice per action: each is a log row of its own.
          subjectKey: entry.id,
          actorId: entry.target_user_id,
          post,
          commentId: entry.target_kind === 'comment' ? entry.target_id : undefined,
          note: entry.reason,
          fromModeration: true,
        });
      },
    ],
    'post.created': [
      async (event: StoredEvent<'post.created'>) => {
        const post = await livePost(event.postId);
        if (post) await mention(post.caption, post, post.author_id, `p:${post.id}`, new Set([post.author_id]));
      },
    ],
  };
}
