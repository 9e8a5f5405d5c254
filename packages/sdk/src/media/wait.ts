import { isServerErrorCode } from '../error-codes.js';
import { createApertureError } from '../error-mapping.js';
import { ConflictError, type ApertureError } from '../errors.js';
import { sleep, throwIfAborted } from './abort.js';
import type { MediaView } from './types.js';

const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 1_000;

/**
 * Polls until the media is `ready` (resolves to it) or `failed` (rejects with the error it
 * failed with), waiting 100 ms, then twice as long each time, up to 1 s between polls.
 */
export async function pollUntilReady(
  get: (signal: AbortSignal | undefined) => Promise<MediaView>,
  first: MediaView | undefined,
  signal: AbortSignal | undefined,
  onLook?: (media: MediaView) => void,
): Promise<MediaView> {
  let media = first ?? (await get(signal));
  for (let delay = FIRST_POLL_MS; ; delay = Math.min(delay * 2, MAX_POLL_MS)) {
    throwIfAborted(signal);
    onLook?.(media);
    if (media.status === 'ready') return media;
    if (media.status === 'failed') throw processingError(media);
    // Nothing will ever happen to media whose upload was not completed: do not wait for it.
    if (media.status === 'pending') {
      throw new ConflictError('UPLOAD_INCOMPLETE', 'The upload of this media was not completed.', { status: 409 });
    }
    await sleep(delay, signal);
    media = await get(signal);
  }
}

/**
 * The error a `failed` media item reports, as if the server had thrown it. Its status is 422:
 * the server understood the file and could not use it.
 */
export function processingError(media: MediaView): ApertureError {
  const code = isServerErrorCode(media.failureCode) ? media.failureCode : 'INTERNAL';
  return createApertureError(code, media.failureReason ?? 'The file could not be processed.', {
    status: 422,
    path: 'media.get',
  });
}
