import type { MediaApi } from '../media/api.js';
import { throwIfAborted } from '../media/abort.js';
import type { MediaView, UploadInput } from '../media/types.js';
import { newIdempotencyKey } from '../retry-idempotent.js';
import type { CreatePostInput, PostView, PublishOptions } from './types.js';

/** Files uploaded at once; each upload also sends its own parts in parallel. */
const UPLOAD_CONCURRENCY = 3;

export interface PublishDeps {
  media: MediaApi;
  create(input: CreatePostInput, options: { signal?: AbortSignal | undefined }): Promise<PostView>;
}

export async function publishPost(
  deps: PublishDeps,
  input: UploadInput | UploadInput[],
  options: PublishOptions,
): Promise<PostView> {
  // Made before anything is sent, so that every attempt of this call carries the same key.
  const idempotencyKey = options.idempotencyKey ?? newIdempotencyKey();
  const files = Array.isArray(input) ? input : [input];
  const { signal } = options;
  const media = await uploadAll(deps.media, files, options);
  throwIfAborted(signal);
  return deps.create(
    {
      mediaIds: media.map((m) => m.id),
      idempotencyKey,
      ...(options.caption === undefined ? {} : { caption: options.caption }),
      ...(options.visibility === undefined ? {} : { visibility: options.visibility }),
      ...(options.location === undefined ? {} : { location: options.location }),
    },
    { signal },
  );
}

/**
 * Uploads every file, a few at a time, and returns their media in the order of `files`. The first
 * failure stops the other uploads: the post cannot be made without all of them.
 */
async function uploadAll(media: MediaApi, files: UploadInput[], options: PublishOptions): Promise<MediaView[]> {
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const results: MediaView[] = new Array<MediaView>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length && !stop.signal.aborted) {
      const index = next++;
      results[index] = await media.upload(files[index]!, {
        signal: stop.signal,
        ...(options.keepLocation === undefined ? {} : { keepLocation: options.keepLocation }),
        ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
        ...(options.maxVideoBytes === undefined ? {} : { maxVideoBytes: options.maxVideoBytes }),
        ...(options.onProgress
          ? { onProgress: (progress) => options.onProgress?.({ ...progress, file: index, files: files.length }) }
          : {}),
      });
    }
  };
  const workers = Array.from({ length: Math.min(UPLOAD_CONCURRENCY, files.length) }, () =>
    worker().catch((error: unknown) => {
      stop.abort();
      throw error;
    }),
  );
  try {
    // The first failure is the one to report; the others are the aborts it caused.
    await Promise.all(workers);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return results;
}
