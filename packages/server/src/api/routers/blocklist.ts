import { addFromMediaInput, listInput, removeInput } from '../../modules/blocklist/schemas.js';
import type { BlocklistService } from '../../modules/blocklist/service.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

/**
 * The media blocklist, for its administrators. Signed in is not enough: the service lets only the
 * accounts named in APERTURE_MEDIA_BLOCKLIST_ADMINS through, and answers everyone else FORBIDDEN.
 */
export function blocklistRouter(blocklist: BlocklistService, { authedProcedure }: Procedures) {
  return router({
    /** Block the perceptual hash of a processed media item (any owner's) and hide posts using matching media. */
    add: authedProcedure.input(addFromMediaInput).mutation(({ input, ctx }) => blocklist.add(ctx.viewer, input)),
    /** Unblock a hash; posts hidden when it was added stay hidden. */
    remove: authedProcedure.input(removeInput).mutation(({ input, ctx }) => blocklist.remove(ctx.viewer, input.hash)),
    /** The blocked hashes, newest first. */
    list: authedProcedure.input(listInput).query(({ input, ctx }) => blocklist.list(ctx.viewer, input)),
    /** Uploads refused for matching the blocklist, newest first, with the entry each matched. */
    refusals: authedProcedure.input(listInput).query(({ input, ctx }) => blocklist.refusals(ctx.viewer, input)),
  });
}
