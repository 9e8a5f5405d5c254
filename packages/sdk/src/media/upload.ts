import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@aperture/server';
import { ApertureError, MediaRejectedError, NotFoundError } from '../errors.js';
import type { FetchFunction } from '../http.js';
import { isRetryable, resolveRetryPolicy, retryDelay } from '../retry.js';
import { abortError, sleep, throwIfAborted } from './abort.js';
import { sendParts, type PartPlan, type Refreshed, type SentPart } from './send.js';
import { detectContentType, isVideoType } from './sniff.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_VIDEO_BYTES, openSource, type SizeLimit, type UploadSource } from './source.js';
import type { MediaView, UploadInput, UploadOptions, UploadPhase, UploadStatusView } from './types.js';
import { pollUntilReady } from './wait.js';

export interface MediaDeps {
  trpc: TRPCClient<AppRouter>;
  fetch: FetchFunction;
}

const DEFAULT_CONCURRENCY = 3;
// completeUpload is idempotent, so unlike other mutations it may be sent again.
const COMPLETE_RETRIES = resolveRetryPolicy({ retries: 3, baseDelayMs: 250, maxDelayMs: 4_000 });

/** hash → createUpload → PUT(s) → completeUpload → poll until ready. */
export async function uploadMedia(
  deps: MediaDeps,
  input: UploadInput,
  options: UploadOptions = {},
): Promise<MediaView> {
  const { signal } = options;
  return abortable(signal, async () => {
    throwIfAborted(signal);
    const source = await openSource(input, sizeLimit(options));
    const contentType = options.contentType ?? detectContentType(await source.head());
    if (contentType === undefined) {
      throw new MediaRejectedError(
        'UNSUPPORTED_MEDIA_TYPE',
        'This file is not a JPEG, PNG, WebP, AVIF or GIF image nor an MP4, MOV, WebM or Matroska video, so it was not sent.',
        { status: 0 },
      );
    }
    const progress = progressReporter(source.size, options.onProgress);
    progress.phase('hashing');
    const sha256 = await source.sha256(signal);
    throwIfAborted(signal);
    const filename = options.filename ?? source.filename;
    const created = await deps.trpc.media.createUpload.mutate(
      {
        size: source.size,
        contentType,
        sha256,
        ...(filename === undefined ? {} : { filename }),
        ...(options.keepLocation === undefined ? {} : { keepLocation: options.keepLocation }),
      },
      { signal },
    );
    if (created.duplicate) {
      progress.phase('done');
      return created.media;
    }
    const plans: PartPlan[] =
      created.mode === 'single'
        ? [{ partNumber: 1, offset: 0, size: source.size, target: created.target }]
        : created.parts.map((part) => ({
            partNumber: part.partNumber,
            offset: (part.partNumber - 1) * created.partSize,
            size: part.size,
            target: part,
          }));
    return finish(deps, { uploadId: created.uploadId, multipart: created.mode === 'multipart' }, source, plans, [], {
      ...options,
      progress,
    });
  });
}

/** Sends what `media.uploadStatus` says is missing, then completes and waits as {@link uploadMedia}. */
export async function resumeUpload(
  deps: MediaDeps,
  uploadId: string,
  input: UploadInput,
  options: UploadOptions = {},
): Promise<MediaView> {
  const { signal } = options;
  return abortable(signal, async () => {
    const status = await deps.trpc.media.uploadStatus.query({ uploadId }, { signal });
    const wait = () =>
      pollUntilReady((s) => deps.trpc.media.get.query({ id: status.mediaId }, { signal: s }), undefined, signal);
    if (status.status === 'completed' || status.status === 'failed') return wait();
    if (status.status === 'expired') throw expired();
    const source = await openSource(input, sizeLimit(options));
    const layout = partLayout(status);
    if (layout.total !== source.size) {
      throw new MediaRejectedError(
        'UPLOAD_SIZE_MISMATCH',
        `This upload is of ${layout.total} bytes; the file given has ${source.size}.`,
        { status: 0 },
      );
    }
    // Bytes the server holds already were sent, by an earlier call: the bar starts there.
    const storedBytes = status.storedParts.reduce((sum, p) => sum + p.size, 0);
    const progress = progressReporter(source.size, options.onProgress, storedBytes);
    const stored = status.storedParts.map((p) => ({ partNumber: p.partNumber, etag: p.etag }));
    const plans = status.missing.map((part) => ({
      partNumber: part.partNumber,
      offset: layout.offsets.get(part.partNumber) ?? 0,
      size: part.size,
      target: part,
    }));
    return finish(deps, { uploadId, multipart: status.mode === 'multipart' }, source, plans, stored, {
      ...options,
      progress,
    });
  });
}

async function finish(
  deps: MediaDeps,
  upload: { uploadId: string; multipart: boolean },
  source: UploadSource,
  plans: PartPlan[],
  alreadyStored: SentPart[],
  options: UploadOptions & { progress: ProgressReporter },
): Promise<MediaView> {
  const { signal, progress } = options;
  progress.phase('uploading');
  let status: Promise<UploadStatusView> | undefined;
  // Parts refused at the same moment (their URLs expired together) share one status call.
  const currentStatus = () =>
    (status ??= deps.trpc.media.uploadStatus.query({ uploadId: upload.uploadId }, { signal }).finally(() => {
      status = undefined;
    }));
  const sent = await sendParts(plans, {
    fetch: deps.fetch,
    source,
    signal,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    onSent: (delta) => progress.add(delta),
    refresh: async (partNumber) => refreshed(await currentStatus(), partNumber),
  });
  progress.phase('processing');
  const parts = [...alreadyStored, ...sent].sort((a, b) => a.partNumber - b.partNumber);
  // Without every ETag (a store that hides them), let the server list the parts itself.
  const etags = parts.every((p) => p.etag !== undefined)
    ? parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag! }))
    : undefined;
  const completed = await completeWithRetries(deps, {
    uploadId: upload.uploadId,
    ...(upload.multipart && etags ? { parts: etags } : {}),
    signal,
  });
  const ready = await pollUntilReady(
    (s) => deps.trpc.media.get.query({ id: completed.id }, { signal: s }),
    completed,
    signal,
    (media) => progress.processed(media.progress),
  );
  progress.phase('done');
  return ready;
}

async function completeWithRetries(
  deps: MediaDeps,
  input: { uploadId: string; parts?: { partNumber: number; etag: string }[]; signal: AbortSignal | undefined },
): Promise<MediaView> {
  const { signal, ...body } = input;
  for (let retry = 1; ; retry++) {
    try {
      return await deps.trpc.media.completeUpload.mutate(body, { signal });
    } catch (error) {
      const delay =
        error instanceof ApertureError && isRetryable(error) && !signal?.aborted
          ? retryDelay(retry, COMPLETE_RETRIES, error.retryAfter)
          : undefined;
      if (delay === undefined) throw error;
      await sleep(delay, signal);
    }
  }
}

function refreshed(status: UploadStatusView, partNumber: number): Refreshed {
  if (status.status === 'expired') throw expired();
  const stored = status.storedParts.find((p) => p.partNumber === partNumber);
  const target = status.missing.find((p) => p.partNumber === partNumber);
  if (target) return { target };
  if (stored) return { etag: stored.etag };
  throw new ApertureError('CONFLICT', `The server has neither part ${partNumber} nor a place to send it.`, {
    status: 409,
  });
}

/** Byte offset of every part, from the sizes the server lists (stored and missing together). */
function partLayout(status: UploadStatusView): { total: number; offsets: Map<number, number> } {
  const sizes = new Map<number, number>();
  for (const p of [...status.storedParts, ...status.missing]) sizes.set(p.partNumber, p.size);
  const offsets = new Map<number, number>();
  let total = 0;
  for (const n of [...sizes.keys()].sort((a, b) => a - b)) {
    offsets.set(n, total);
    total += sizes.get(n) ?? 0;
  }
  return { total, offsets };
}

function expired(): NotFoundError {
  return new NotFoundError('UPLOAD_EXPIRED', 'The upload expired; start a new one.', { status: 410 });
}

interface ProgressReporter {
  phase(phase: UploadPhase): void;
  add(delta: number): void;
  /** The server's progress with the file, as `media.get` says it (videos); reported when it changed. */
  processed(percent: number | null): void;
}

function progressReporter(
  totalBytes: number,
  onProgress: UploadOptions['onProgress'],
  initialBytes = 0,
): ProgressReporter {
  let phase: UploadPhase = 'hashing';
  let sentBytes = initialBytes;
  let processedPercent: number | null = null;
  const emit = () => onProgress?.({ phase, sentBytes, totalBytes, processedPercent });
  return {
    phase(next) {
      phase = next;
      emit();
    },
    add(delta) {
      sentBytes += delta;
      emit();
    },
    processed(percent) {
      if (percent === null || percent === processedPercent) return;
      processedPercent = percent;
      emit();
    },
  };
}

/** `maxBytes` for images, `maxVideoBytes` for videos: which one, the file's first bytes say. */
function sizeLimit(options: UploadOptions): SizeLimit {
  return (head) => {
    const type = options.contentType ?? detectContentType(head);
    return type !== undefined && isVideoType(type)
      ? (options.maxVideoBytes ?? DEFAULT_MAX_VIDEO_BYTES)
      : (options.maxBytes ?? DEFAULT_MAX_BYTES);
  };
}

/** Whatever fails once `signal` has aborted (a stream, a fetch, tRPC) rejects as the abort. */
async function abortable<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    throw error;
  }
}
