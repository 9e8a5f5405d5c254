import type { ProfilesService } from '../../modules/profiles/service.js';
import { profileInput } from '../../modules/profiles/schemas.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function usersRouter(profiles: ProfilesService, { publicProcedure }: Procedures) {
  return router({
    /** A profile header: user, counts, and the viewer's relationship (null when signed out). */
    profile: publicProcedure.input(profileInput).query(({ input, ctx }) => profiles.profile(ctx.viewer, input)),
  });
}
