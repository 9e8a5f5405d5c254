import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { ExpressionBuilder } from 'kysely';
import type { CommentRow, Database, PostRow } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import type { Outbox } from '../../events/outbox.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import type { Viewer } from '../accounts/types.js';
import { loadUsers } from '../accounts/load-users.js';
import { presentPublicUser, type AvatarUrls } from '../accounts/presenter.js';
import { accountActive } from '../visibility/post-visibility-sql.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage, type Page } from '../shared/pagination.js';
import {
  commentNotFound,
  isBlockedEitherWay,
  isSuspended,
  notBlockedWith,
  postNotFound,
  visiblePost,
  type VisiblePost,
} from './post-gate.js';
import type { CreateCommentInput, ListCommentsInput, RepliesInput } from './schemas.js';
import type { CommentView } from './types.js';
import type { WordFilters } from '../word-filters/service.js';

export interface CommentsServiceDeps {
  db: Db;
  ids: IdGenerator;
  clock: Clock;
  avatarUrls: AvatarUrls;
  /** Comments are written through it, with the event notifications react to. */
  outbox: Outbox;
  /** Comments are screened: a `reject` term refuses one, a `hold` term holds it for a moderator. */
  words: Pick<WordFilters, 'screen' | 'recordHold'>;
}

/**
 * Comments with one level of replies, as on Instagram: replying to a reply joins the thread of its
 * top-level comment. `posts.comment_count` (every live comment, replies included) and the parent's
 * `reply_count` move in the same transaction as the comment rows.
 */
export class CommentsService {
  constructor(private readonly deps: CommentsServiceDeps) {}

  async create(viewer: Viewer, input: CreateCommentInput): Promise<CommentView> {
    const { db, ids, clock, outbox, words } = this.deps;
    const { post } = await visiblePost(db.kysely, viewer.userId, input.postId);
    if (post.comments_enabled === 0) throw new AppError('FORBIDDEN', 'Comments are turned off for this post.');
    const threadId = input.parentId === undefined ? null : await this.threadOf(viewer, post, input.parentId);
    const hold = await words.screen(input.body);
    const row: CommentRow = {
      id: ids.next(),
      post_id: post.id,
      author_id: viewer.userId,
      parent_id: threadId,
      body: input.body,
      reply_count: 0,
      created_at: clock.now().toISOString(),
      deleted_at: null,
      held_at: hold ? clock.now().toISOString() : null,
      removed_at: null,
    };
    await outbox.write(async (trx, emit) => {
      if (threadId !== null) {
        // First, and guarded: on Postgres this waits for a concurrent delete of the thread and
        // then finds it gone, so no reply outlives its parent.
        const parent = await trx
          .updateTable('comments')
          .set((eb) => ({ reply_count: eb('reply_count', '+', 1) }))
          .where('id', '=', threadId)
          .where('deleted_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (!parent) throw commentNotFound();
      }
      await trx.insertInto('comments').values(row).execute();
      const counted = await trx
        .updateTable('posts')
        .set((eb) => ({ comment_count: eb('comment_count', '+', 1) }))
        .where('id', '=', post.id)
        .where('deleted_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!counted) throw postNotFound();
      if (hold) {
        // Counted like any comment (the counts stay what `admin recount` finds), but listed to its
        // author only, and notified when a moderator releases it.
        const held = { subject: 'comment' as const, postId: post.id, commentId: row.id, authorId: viewer.userId };
        await words.recordHold(trx, { ...held, rule: hold });
        return;
      }
      await emit({
        type: 'comment.created',
        commentId: row.id,
        postId: post.id,
        authorId: viewer.userId,
        // The comment replied to (its thread is `comments.parent_id`): a reply notifies its author.
        parentId: input.parentId ?? null,
      });
    });
    const [view] = await this.present(viewer.userId, post, [row]);
    if (!view) throw new Error(`comment ${row.id} vanished while being presented`);
    return view;
  }

  /** Top-level comments, newest first, each with its reply count. */
  async list(viewer: Viewer | null, input: ListCommentsInput): Promise<Page<CommentView>> {
    const { db } = this.deps;
    const viewerId = viewer?.userId ?? null;
    const { post } = await visiblePost(db.kysely, viewerId, input.postId);
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(input.cursor);
    const rows = await db.kysely
      .selectFrom('comments')
      .selectAll()
      .where('post_id', '=', post.id)
      .where('parent_id', 'is', null)
      .where('deleted_at', 'is', null)
      .where(shownTo(viewerId))
      .where('removed_at', 'is', null)
      .where(notBlockedWith(viewerId, 'comments.author_id'))
      .where(accountActive('comments.author_id'))
      .$if(after !== undefined, (qb) => qb.where('id', '<', after!))
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = toPage(rows, limit, (r) => r);
    return { items: await this.present(viewerId, post, page.items), nextCursor: page.nextCursor };
  }

  /** Replies of a top-level comment, oldest first (a thread reads top to bottom, as on Instagram). */
  async replies(viewer: Viewer | null, input: RepliesInput): Promise<Page<CommentView>> {
    const { db } = this.deps;
    const viewerId = viewer?.userId ?? null;
    const { comment, post } = await this.visibleComment(viewerId, input.commentId);
    if (comment.deleted_at !== null || comment.removed_at !== null) throw commentNotFound();
    if (comment.held_at !== null && comment.author_id !== viewerId) throw commentNotFound();
    if (await isSuspended(db.kysely, comment.author_id)) throw commentNotFound();
    if (viewerId !== null && (await isBlockedEitherWay(db.kysely, viewerId, comment.author_id))) {
      throw commentNotFound();
    }
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(input.cursor);
    const rows = await db.kysely
      .selectFrom('comments')
      .selectAll()
      .where('parent_id', '=', comment.id)
      .where('deleted_at', 'is', null)
      .where(shownTo(viewerId))
      .where('removed_at', 'is', null)
      .where(notBlockedWith(viewerId, 'comments.author_id'))
      .where(accountActive('comments.author_id'))
      .$if(after !== undefined, (qb) => qb.where('id', '>', after!))
      .orderBy('id', 'asc')
      .limit(limit + 1)
      .execute();
    const page = toPage(rows, limit, (r) => r);
    return { items: await this.present(viewerId, post, page.items), nextCursor: page.nextCursor };
  }

  /**
   * Soft delete, by the comment's author or the post's author. A top-level comment takes its
   * replies with it. Idempotent for those two; anyone else gets FORBIDDEN (or NOT_FOUND when they
   * could not see the comment in the first place).
   */
  async delete(viewer: Viewer, commentId: string): Promise<{ ok: true }> {
    const { db, clock } = this.deps;
    const { comment, post } = await this.visibleComment(viewer.userId, commentId);
    const mayDelete = viewer.userId === comment.author_id || viewer.userId === post.author_id;
    if (!mayDelete) {
      if (comment.deleted_at !== null || (await isBlockedEitherWay(db.kysely, viewer.userId, comment.author_id))) {
        throw commentNotFound();
      }
      throw new AppError('FORBIDDEN', "Only the comment's author or the post's author can delete it.");
    }
    if (comment.deleted_at !== null) return { ok: true };
    const now = clock.now().toISOString();
    await db.kysely.transaction().execute(async (trx) => {
      // Rows are locked parent first, then replies, in every path (reply, delete of either), so
      // concurrent deletes on Postgres cannot deadlock.
      if (comment.parent_id !== null) {
        const parent = await trx
          .updateTable('comments')
          .set((eb) => ({ reply_count: eb('reply_count', '-', 1) }))
          .where('id', '=', comment.parent_id)
          .where('deleted_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        // The whole thread was deleted meanwhile, this reply with it.
        if (!parent) return;
      }
      const gone = await trx
        .updateTable('comments')
        .set({ deleted_at: now, reply_count: 0 })
        .where('id', '=', comment.id)
        .where('deleted_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!gone) {
        // A concurrent delete of the same comment won; give back the reply we counted off.
        if (comment.parent_id !== null) {
          await trx
            .updateTable('comments')
            .set((eb) => ({ reply_count: eb('reply_count', '+', 1) }))
            .where('id', '=', comment.parent_id)
            .execute();
        }
        return;
      }
      let removed = 1;
      if (comment.parent_id === null) {
        const replies = await trx
          .updateTable('comments')
          .set({ deleted_at: now })
          .where('parent_id', '=', comment.id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        removed += Number(replies.numUpdatedRows);
      }
      await trx
        .updateTable('posts')
        .set((eb) => ({ comment_count: eb('comment_count', '-', removed) }))
        .where('id', '=', comment.post_id)
        .execute();
    });
    return { ok: true };
  }

  /** The thread a new reply joins: the parent itself, or the parent's parent when replying to a reply. */
  private async threadOf(viewer: Viewer, post: PostRow, parentId: string): Promise<string> {
    const { db } = this.deps;
    const parent = await db.kysely.selectFrom('comments').selectAll().where('id', '=', parentId).executeTakeFirst();
    if (!parent || parent.post_id !== post.id || parent.deleted_at !== null || parent.removed_at !== null) {
      throw commentNotFound();
    }
    if (parent.held_at !== null && parent.author_id !== viewer.userId) throw commentNotFound();
    const threadId = parent.parent_id ?? parent.id;
    const authors = new Set([parent.author_id]);
    if (parent.parent_id !== null) {
      const top = await db.kysely
        .selectFrom('comments')
        .select('author_id')
        .where('id', '=', threadId)
        .executeTakeFirst();
      if (top) authors.add(top.author_id);
    }
    for (const author of authors) {
      if (await isBlockedEitherWay(db.kysely, viewer.userId, author)) throw commentNotFound();
    }
    return threadId;
  }

  /** A comment and its post, if the viewer may see the post; the same NOT_FOUND either way. */
  private async visibleComment(
    viewerId: string | null,
    commentId: string,
  ): Promise<VisiblePost & { comment: CommentRow }> {
    const { db } = this.deps;
    const comment = await db.kysely.selectFrom('comments').selectAll().where('id', '=', commentId).executeTakeFirst();
    if (!comment) throw commentNotFound();
    const visible = await visiblePost(db.kysely, viewerId, comment.post_id, commentNotFound);
    return { ...visible, comment };
  }

  private async present(viewerId: string | null, post: PostRow, rows: CommentRow[]): Promise<CommentView[]> {
    const authors = await loadUsers(
      this.deps.db.kysely,
      rows.map((r) => r.author_id),
    );
    return rows.flatMap((row) => {
      const author = authors.get(row.author_id);
      if (!author || author.suspended_at !== null) return [];
      return [
        {
          id: row.id,
          postId: row.post_id,
          parentId: row.parent_id,
          author: presentPublicUser(author, this.deps.avatarUrls),
          body: row.body,
          replyCount: row.reply_count,
          createdAt: row.created_at,
          canDelete: viewerId !== null && (viewerId === row.author_id || viewerId === post.author_id),
        },
      ];
    });
  }
}

/** A comment held by a word filter is listed to its author only, until a moderator releases it. */
function shownTo(viewerId: string | null) {
  return (eb: ExpressionBuilder<Database, 'comments'>) =>
    viewerId === null
      ? eb('comments.held_at', 'is', null)
      : eb.or([eb('comments.held_at', 'is', null), eb('comments.author_id', '=', viewerId)]);
}
