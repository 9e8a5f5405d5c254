import type { TagsService } from '../../modules/tags/service.js';
import { tagNameInput, trendingInput } from '../../modules/tags/schemas.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function tagsRouter(tags: TagsService, { publicProcedure }: Procedures) {
  return router({
    /**
     * A hashtag by name (`#Sea` and `sea` are the same tag), as the caller sees it: NOT_FOUND
     * unless they may see a post carrying it.
     */
    get: publicProcedure.input(tagNameInput).query(({ ctx, input }) => tags.get(ctx.viewer, input.name)),
    /** Hashtags used by many accounts recently, more than usual; public posts only. */
    trending: publicProcedure
      .input(trendingInput)
      .query(({ input, ctx }) => tags.trending(ctx.viewer, input.limit ?? 10)),
  });
}
