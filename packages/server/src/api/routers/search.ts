import type { SearchService } from '../../modules/search/service.js';
import { searchInput } from '../../modules/search/schemas.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function searchRouter(search: SearchService, { publicProcedure }: Procedures) {
  return router({
    /** Users, hashtags and posts matching `q`; the cursor pages the posts. */
    all: publicProcedure.input(searchInput).query(({ input, ctx }) => search.all(ctx.viewer, input)),
  });
}
