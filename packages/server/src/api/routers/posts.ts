import type { PostsService } from '../../modules/posts/service.js';
import { byUserInput, createPostInput, postIdInput, updatePostInput } from '../../modules/posts/schemas.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function postsRouter(posts: PostsService, { publicProcedure, authedProcedure, limitedProcedure }: Procedures) {
  return router({
    /** Publish 1–10 ready photos with a caption. Idempotent with `idempotencyKey`. */
    create: limitedProcedure('posts')
      .input(createPostInput)
      .mutation(({ input, ctx }) => posts.create(ctx.viewer, input)),
    /** A post, if the viewer may see it. */
    get: publicProcedure.input(postIdInput).query(({ input, ctx }) => posts.get(ctx.viewer, input.id)),
    /** A profile grid, newest first. */
    byUser: publicProcedure.input(byUserInput).query(({ input, ctx }) => posts.byUser(ctx.viewer, input)),
    /** Change caption, location, visibility or whether comments are on. Author only. */
    update: authedProcedure.input(updatePostInput).mutation(({ input, ctx }) => posts.update(ctx.viewer, input)),
    /** Delete at once everywhere; likes, comments and unused photos are cleaned up after. Idempotent. */
    delete: authedProcedure.input(postIdInput).mutation(({ input, ctx }) => posts.delete(ctx.viewer, input.id)),
  });
}
