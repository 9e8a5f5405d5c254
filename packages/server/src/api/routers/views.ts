import { postIdInput } from '../../modules/posts/schemas.js';
import type { ViewsService } from '../../modules/views/service.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function viewsRouter(views: ViewsService, { publicProcedure, authedProcedure }: Procedures) {
  return router({
    /** Count a view of a post the viewer may see (anonymous too); repeat views within minutes count once. */
    record: publicProcedure
      .input(postIdInput)
      .mutation(({ input, ctx }) => views.record({ userId: ctx.viewer?.userId ?? null, ip: ctx.ip }, input.id)),
    /** Views, likes and comments of one of your posts. */
    insights: authedProcedure.input(postIdInput).query(({ input, ctx }) => views.insights(ctx.viewer.userId, input.id)),
  });
}
