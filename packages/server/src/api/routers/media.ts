import type { MediaService } from '../../modules/media/service.js';
import { completeUploadInput, createUploadInput, mediaIdInput, uploadIdInput } from '../../modules/media/schemas.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function mediaRouter(media: MediaService, { publicProcedure, authedProcedure, limitedProcedure }: Procedures) {
  return router({
    /** Start an upload: a signed target for the bytes, or the existing media if these bytes are known. */
    createUpload: limitedProcedure('uploads')
      .input(createUploadInput)
      .mutation(({ input, ctx }) => media.createUpload(ctx.viewer, input)),
    /** Which parts are stored, with fresh URLs for the missing ones (to resume). */
    uploadStatus: authedProcedure
      .input(uploadIdInput)
      .query(({ input, ctx }) => media.uploadStatus(ctx.viewer, input.uploadId)),
    /** Verify the stored bytes and queue processing. Idempotent. */
    completeUpload: authedProcedure
      .input(completeUploadInput)
      .mutation(({ input, ctx }) => media.completeUpload(ctx.viewer, input)),
    /** A media item, if the viewer may see it. */
    get: publicProcedure.input(mediaIdInput).query(({ input, ctx }) => media.get(ctx.viewer, input.id)),
  });
}
