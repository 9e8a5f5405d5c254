import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@aperture/server';
import { pageInput, paginate, type PageOptions, type Paginator } from '../paginate.js';
import type { CommentView, CreateCommentInput, LikeResult, Liker, Reaction, UnlikeResult } from './types.js';

export interface LikesApi {
  /**
   * Likes a post, with a reaction (`like` by default). Liking again changes the reaction; the
   * like count does not move.
   *
   * @example
   * ```ts
   * const { likeCount } = await client.likes.like(postId)
   * await client.likes.like(postId, 'fire')
   * ```
   */
  like(postId: string, reaction?: Reaction): Promise<LikeResult>;
  /**
   * Takes your like back. Not an error when there is none.
   *
   * @example
   * ```ts
   * const { likeCount } = await client.likes.unlike(postId)
   * ```
   */
  unlike(postId: string): Promise<UnlikeResult>;
  /**
   * Who liked a post, newest first, with their reactions.
   *
   * @example
   * ```ts
   * for await (const { user, reaction } of client.likes.likers(postId)) console.log(user.username, reaction)
   * ```
   */
  likers(postId: string, options?: PageOptions): Paginator<Liker>;
}

export interface CommentsApi {
  /**
   * Comments on a post, or replies to a comment with `parentId` (one level of replies, like
   * Instagram: a reply to a reply joins the thread of its top-level comment).
   *
   * @example
   * ```ts
   * const comment = await client.comments.create({ postId, body: 'Lovely light!' })
   * await client.comments.create({ postId, body: 'Thank you!', parentId: comment.id })
   * ```
   */
  create(input: CreateCommentInput): Promise<CommentView>;
  /**
   * A post's top-level comments, newest first, each with its `replyCount`.
   *
   * @example
   * ```ts
   * for await (const comment of client.comments.list(postId)) console.log(comment.author.username, comment.body)
   * ```
   */
  list(postId: string, options?: PageOptions): Paginator<CommentView>;
  /**
   * The replies to a top-level comment, oldest first (the order a conversation is read in).
   *
   * @example
   * ```ts
   * const { items } = await client.comments.replies(comment.id)
   * ```
   */
  replies(commentId: string, options?: PageOptions): Paginator<CommentView>;
  /**
   * Deletes a comment: yours, or any on your post. A top-level comment takes its replies with it.
   * Idempotent.
   *
   * @example
   * ```ts
   * await client.comments.delete(commentId)
   * ```
   */
  delete(commentId: string): Promise<void>;
}

export function createLikesApi(trpc: TRPCClient<AppRouter>): LikesApi {
  return {
    like: (postId, reaction) => trpc.likes.like.mutate({ postId, ...(reaction === undefined ? {} : { reaction }) }),
    unlike: (postId) => trpc.likes.unlike.mutate({ postId }),
    likers: (postId, options = {}) =>
      paginate((cursor) => trpc.likes.likers.query({ postId, ...pageInput(options, cursor) }), options.cursor),
  };
}

export function createCommentsApi(trpc: TRPCClient<AppRouter>): CommentsApi {
  return {
    create: (input) => trpc.comments.create.mutate(input),
    list: (postId, options = {}) =>
      paginate((cursor) => trpc.comments.list.query({ postId, ...pageInput(options, cursor) }), options.cursor),
    replies: (commentId, options = {}) =>
      paginate((cursor) => trpc.comments.replies.query({ commentId, ...pageInput(options, cursor) }), options.cursor),
    delete: async (commentId) => {
      await trpc.comments.delete.mutate({ commentId });
    },
  };
}
