import { accountActive } from '../visibility/post-visibility-sql.js';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { Outbox } from '../../events/outbox.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import type { Viewer } from '../accounts/types.js';
import { presentPublicUser, type AvatarUrls } from '../accounts/presenter.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage, type Page } from '../shared/pagination.js';
import { loadUsers } from '../accounts/load-users.js';
import { notBlockedWith, postNotFound, visiblePost } from './post-gate.js';
import type { Reaction } from './reactions.js';
import type { LikeInput, LikersInput } from './schemas.js';
import type { LikeResult, Liker, UnlikeResult } from './types.js';

export interface LikesServiceDeps {
  db: Db;
  ids: IdGenerator;
  clock: Clock;
  avatarUrls: AvatarUrls;
  /** Likes are written through it, with the event notifications react to. */
  outbox: Outbox;
}

/** Likes with a reaction. `posts.like_count` moves in the same transaction as the like row. */
export class LikesService {
  constructor(private readonly deps: LikesServiceDeps) {}

  /** Like a post, or change the reaction of an existing like (the count stays). Idempotent. */
  async like(viewer: Viewer, input: LikeInput): Promise<LikeResult> {
    const { db, ids, clock, outbox } = this.deps;
    await visiblePost(db.kysely, viewer.userId, input.postId);
    const likeCount = await outbox.write(async (trx, emit) => {
      // The unique (post, user) key makes concurrent likes of one pair insert once.
      const inserted = await trx
        .insertInto('likes')
        .values({
          id: ids.next(),
          post_id: input.postId,
          user_id: viewer.userId,
          reaction: input.reaction,
          created_at: clock.now().toISOString(),
        })
        .onConflict((oc) => oc.columns(['post_id', 'user_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) {
        await trx
          .updateTable('likes')
          .set({ reaction: input.reaction })
          .where('post_id', '=', input.postId)
          .where('user_id', '=', viewer.userId)
          .execute();
        return currentCount(trx, input.postId);
      }
      // Guarded on deleted_at: a like must not land on a post deleted (and perhaps already cleaned
      // up) since the visibility check; rolling back leaves no orphan row.
      const post = await trx
        .updateTable('posts')
        .set((eb) => ({ like_count: eb('like_count', '+', 1) }))
        .where('id', '=', input.postId)
        .where('deleted_at', 'is', null)
        .returning('like_count')
        .executeTakeFirst();
      if (!post) throw postNotFound();
      await emit({
        type: 'like.created',
        postId: input.postId,
        userId: viewer.userId,
        reaction: input.reaction,
      });
      return post.like_count;
    });
    return { liked: true, reaction: input.reaction, likeCount };
  }

  /** Take a like back. Idempotent: unliking what is not liked answers the same. */
  async unlike(viewer: Viewer, postId: string): Promise<UnlikeResult> {
    const { db } = this.deps;
    await visiblePost(db.kysely, viewer.userId, postId);
    const likeCount = await db.kysely.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('likes')
        .where('post_id', '=', postId)
        .where('user_id', '=', viewer.userId)
        .returning('id')
        .executeTakeFirst();
      if (!removed) return currentCount(trx, postId);
      const post = await trx
        .updateTable('posts')
        .set((eb) => ({ like_count: eb('like_count', '-', 1) }))
        .where('id', '=', postId)
        .returning('like_count')
        .executeTakeFirst();
      return post?.like_count ?? 0;
    });
    return { liked: false, likeCount };
  }

  /** Who liked a post, newest like first, leaving out anyone blocked either way with the viewer. */
  async likers(viewer: Viewer | null, input: LikersInput): Promise<Page<Liker>> {
    const { db, avatarUrls } = this.deps;
    const viewerId = viewer?.userId ?? null;
    await visiblePost(db.kysely, viewerId, input.postId);
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(input.cursor);
    const rows = await db.kysely
      .selectFrom('likes')
      .select(['id', 'user_id', 'reaction', 'created_at'])
      .where('post_id', '=', input.postId)
      .where(notBlockedWith(viewerId, 'likes.user_id'))
      .where(accountActive('likes.user_id'))
      .$if(after !== undefined, (qb) => qb.where('id', '<', after!))
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = toPage(rows, limit, (r) => r);
    const users = await loadUsers(
      db.kysely,
      page.items.map((like) => like.user_id),
    );
    return {
      items: page.items.flatMap((like) => {
        const user = users.get(like.user_id);
        if (!user || user.suspended_at !== null) return [];
        return [
          { user: presentPublicUser(user, avatarUrls), reaction: like.reaction as Reaction, likedAt: like.created_at },
        ];
      }),
      nextCursor: page.nextCursor,
    };
  }
}

async function currentCount(trx: Db['kysely'], postId: string): Promise<number> {
  const post = await trx.selectFrom('posts').select('like_count').where('id', '=', postId).executeTakeFirst();
  return post?.like_count ?? 0;
}
