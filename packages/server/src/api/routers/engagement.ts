import type { CommentsService } from '../../modules/engagement/comments-service.js';
import type { LikesService } from '../../modules/engagement/likes-service.js';
import {
  commentIdInput,
  createCommentInput,
  likeInput,
  likersInput,
  listCommentsInput,
  repliesInput,
  unlikeInput,
} from '../../modules/engagement/schemas.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function likesRouter(likes: LikesService, { publicProcedure, authedProcedure, limitedProcedure }: Procedures) {
  return router({
    /** Like a post (`reaction` defaults to `like`); liking again changes the reaction. Idempotent. */
    like: limitedProcedure('likes')
      .input(likeInput)
      .mutation(({ input, ctx }) => likes.like(ctx.viewer, input)),
    /** Take a like back. Idempotent. */
    unlike: authedProcedure.input(unlikeInput).mutation(({ input, ctx }) => likes.unlike(ctx.viewer, input.postId)),
    /** Who liked a post, newest first. */
    likers: publicProcedure.input(likersInput).query(({ input, ctx }) => likes.likers(ctx.viewer, input)),
  });
}

export function commentsRouter(
  comments: CommentsService,
  { publicProcedure, authedProcedure, limitedProcedure }: Procedures,
) {
  return router({
    /** Comment on a post, or reply with `parentId` (a reply to a reply joins its thread). */
    create: limitedProcedure('comments')
      .input(createCommentInput)
      .mutation(({ input, ctx }) => comments.create(ctx.viewer, input)),
    /** Top-level comments, newest first, with reply counts. */
    list: publicProcedure.input(listCommentsInput).query(({ input, ctx }) => comments.list(ctx.viewer, input)),
    /** Replies to a top-level comment, oldest first. */
    replies: publicProcedure.input(repliesInput).query(({ input, ctx }) => comments.replies(ctx.viewer, input)),
    /** Delete a comment (its author or the post's author); a thread goes with its top comment. Idempotent. */
    delete: authedProcedure
      .input(commentIdInput)
      .mutation(({ input, ctx }) => comments.delete(ctx.viewer, input.commentId)),
  });
}
