import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MediaSettings } from '../../../config/media-settings.js';
import type { MediaRow } from '../../../db/schema.js';
import type { WorkLimiter } from '../../../lib/work-limiter.js';
import type { BlobStore } from '../../../storage/blob-store.js';
import { AppError } from '../../../errors/app-error.js';
import { derivativeKey } from '../keys.js';
import { BLOCKED_MESSAGE } from '../screen.js';
import type { ProcessedImage } from '../pipeline/index.js';
import { IN_THIS_THREAD, type ImagePipeline } from '../pipeline-thread.js';
import type { DerivativeMap } from '../presenter.js';
import { contentEtag } from '../processor.js';
import type { VideoFacts } from './facts.js';
import { probeVideoFile } from './probe.js';
import { inScratchFolder, type VideoScratch } from './scratch.js';
import type { VideoTools } from './tools.js';
import { posterFrame, transcodeRenditions } from './transcode.js';

export interface RenderedVideo {
  facts: VideoFacts;
  /** The poster's photo derivatives and the renditions, all stored: what `media.derivatives` lists. */
  derivatives: DerivativeMap;
  poster: ProcessedImage;
}

/** Strong ETag of a stored file, as `contentEtag` makes for bytes in memory: content-addressed. */
async function fileEtag(file: string): Promise<{ etag: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { etag: hash.digest('base64url').slice(0, 27), size };
}

/**
 * Everything a ready video needs, stored under the item's derivative keys: the original copied to a
 * private scratch folder (refused with StorageFullError when its volume has no room above the
 * floor) and probed again (ffprobe only), both renditions, and a poster frame made into the same
 * derivatives a photo has (through the photo pipeline, in an image-work slot). Nothing here changes
 * the row: until the caller records the result, the files are listed nowhere and served to no one.
 */
export async function renderVideo(
  deps: {
    tools: VideoTools;
    blobs: BlobStore;
    settings: MediaSettings;
    imageWork: WorkLimiter;
    /** Where the poster's processImage runs (default: this thread). */
    pipeline?: ImagePipeline | undefined;
    scratch: VideoScratch;
    /** The content rules, asked about the poster's pixels before any transcoding (none: all pass). */
    admits?: ((perceptualHash: string) => Promise<boolean>) | undefined;
  },
  row: Pick<MediaRow, 'id' | 'original_key' | 'size'>,
  onProgress: (percent: number) => void,
  lease: AbortSignal,
): Promise<RenderedVideo> {
  const { tools, blobs, settings } = deps;
  // The original's copy, and room as large again for the renditions: at their capped bitrates
  // they are rarely larger than what they are made from.
  return inScratchFolder(deps.scratch, row.size * 2, async (dir) => {
    const file = path.join(dir, 'original');
    await pipeline((await blobs.get(row.original_key)).body, createWriteStream(file, { mode: 0o600 }));
    const limits = { maxSeconds: settings.maxVideoSeconds, maxLongSide: settings.maxVideoLongSide };
    // Its facts again (they are not kept with the upload); its last frames decoded when it was completed.
    const facts = await probeVideoFile(tools, file, limits, { decodeCheck: false });
    const source = { file, container: facts.container, facts };
    lease.throwIfAborted();
    const posterPng = await posterFrame(tools, source, dir);
    const images = deps.pipeline ?? IN_THIS_THREAD;
    const poster = await deps.imageWork.run(() =>
      images.process(posterPng, { keepLocation: false, maxPixels: settings.maxPixels, maxBytes: settings.maxBytes }),
    );
    lease.throwIfAborted();
    const hash = poster.perceptualHash;
    if (deps.admits && hash && !(await deps.admits(hash))) throw new AppError('MEDIA_BLOCKED', BLOCKED_MESSAGE);
    const renditions = await transcodeRenditions(tools, source, dir, onProgress);
    lease.throwIfAborted();

    const derivatives: DerivativeMap = {};
    for (const d of poster.derivatives) {
      await blobs.put(derivativeKey(row.id, d.variant, d.format), d.data, { contentType: d.contentType });
      derivatives[`${d.variant}.${d.format}`] = {
        width: d.width,
        height: d.height,
        size: d.data.length,
        etag: contentEtag(d.data),
      };
    }
    for (const r of renditions) {
      const { etag, size } = await fileEtag(r.file);
      const [variant] = r.name.split('.') as [string];
      await blobs.put(derivativeKey(row.id, variant, 'mp4'), createReadStream(r.file), { contentType: 'video/mp4' });
      derivatives[r.name] = { width: r.width, height: r.height, size, etag };
    }
    return { facts, derivatives, poster };
  });
}
