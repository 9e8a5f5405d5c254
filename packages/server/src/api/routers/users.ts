import type { GraphService } from '../../modules/graph/service.js';
import { userRefInput } from '../../modules/graph/schemas.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function usersRouter(graph: GraphService, { publicProcedure }: Procedures) {
  return router({
    /** A profile header: user, counts, and the viewer's relationship (null when signed out). */
    profile: publicProcedure.input(userRefInput).query(({ input, ctx }) => graph.profile(ctx.viewer, input)),
  });
}
