import { addFromMediaInput, listInput, removeInput } from '../../modules/blocklist/schemas.js';
import type { BlocklistService } from '../../modules/blocklist/service.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

/** The media blocklist: moderators and admins only; everyone else gets FORBIDDEN. */
export function blocklistRouter(blocklist: BlocklistService, { moderatorProcedure }: Procedures) {
  return router({
    /** Block the perceptual hash of a processed media item (any owner's) and hide posts using matching media. */
    add: moderatorProcedure.input(addFromMediaInput).mutation(({ input, ctx }) => blocklist.add(ctx.viewer, input)),
    /** Unblock a hash; posts hidden when it was added stay hidden. */
    remove: moderatorProcedure.input(removeInput).mutation(({ input }) => blocklist.remove(input.hash)),
    /** The blocked hashes, newest first. */
    list: moderatorProcedure.input(listInput).query(({ input }) => blocklist.list(input)),
    /** Uploads refused for matching the blocklist, newest first, with the entry each matched. */
    refusals: moderatorProcedure.input(listInput).query(({ input }) => blocklist.refusals(input)),
  });
}
