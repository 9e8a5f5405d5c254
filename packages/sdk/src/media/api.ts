import type { MediaView, UploadInput, UploadOptions, UploadStatusView, WaitOptions } from './types.js';
import { resumeUpload, uploadMedia, type MediaDeps } from './upload.js';
import { pollUntilReady } from './wait.js';

export interface MediaApi {
  /**
   * Uploads one image and resolves once it is `ready`, with its derivative URLs. Hashes the file
   * (a path is streamed, never held whole), asks the server where to send it, PUTs it straight
   * there (in parts, `concurrency` at a time, for files above 16 MiB; each part retried on network
   * errors and 5xx), completes the upload and waits for processing. A file you uploaded before
   * (same bytes) is not sent again: its existing media is returned.
   *
   * Rejects with `MediaRejectedError` for a file the server will not take — before any request
   * when the SDK can tell (not a JPEG/PNG/WebP/AVIF/GIF, more than `maxBytes`) — and with the
   * processing failure's code (`IMAGE_CORRUPT`, `IMAGE_TOO_LARGE`…) when the server cannot use it.
   *
   * @example
   * ```ts
   * const media = await client.media.upload('holiday.jpg', {
   *   onProgress: ({ phase, sentBytes, totalBytes }) => console.log(phase, sentBytes, '/', totalBytes),
   * })
   * console.log(media.id, media.urls.w1080?.webp)
   * ```
   */
  upload(input: UploadInput, options?: UploadOptions): Promise<MediaView>;
  /**
   * Sends only what an earlier upload is missing (parts it lost, or whose URLs expired), then
   * completes it and waits until ready, like {@link MediaApi.upload}. `input` must be the same
   * file. Progress starts at the bytes the server already holds.
   *
   * @example
   * ```ts
   * const status = await client.media.uploadStatus(uploadId)
   * if (status.status === 'pending') await client.media.resume(uploadId, 'holiday.jpg')
   * ```
   */
  resume(uploadId: string, input: UploadInput, options?: UploadOptions): Promise<MediaView>;
  /**
   * One media item, in whatever state it is.
   *
   * @example
   * ```ts
   * const media = await client.media.get(mediaId)
   * if (media.status === 'ready') console.log(media.urls.thumb?.jpg)
   * ```
   */
  get(id: string): Promise<MediaView>;
  /**
   * Waits until a media item is ready and returns it; rejects with its failure when processing
   * fails. Polls every 100 ms at first, slowing to once a second.
   *
   * @example
   * ```ts
   * const media = await client.media.waitUntilReady(mediaId, { signal: AbortSignal.timeout(60_000) })
   * ```
   */
  waitUntilReady(id: string, options?: WaitOptions): Promise<MediaView>;
  /**
   * Which parts of an upload the server holds, with fresh URLs for the missing ones.
   *
   * @example
   * ```ts
   * const { status, storedParts, missing } = await client.media.uploadStatus(uploadId)
   * ```
   */
  uploadStatus(uploadId: string): Promise<UploadStatusView>;
}

export function createMediaApi(deps: MediaDeps): MediaApi {
  const get = (id: string, signal?: AbortSignal) => deps.trpc.media.get.query({ id }, { signal });
  return {
    upload: (input, options) => uploadMedia(deps, input, options),
    resume: (uploadId, input, options) => resumeUpload(deps, uploadId, input, options),
    get: (id) => get(id),
    waitUntilReady: (id, options = {}) => pollUntilReady((s) => get(id, s), undefined, options.signal),
    uploadStatus: (uploadId) => deps.trpc.media.uploadStatus.query({ uploadId }),
  };
}
