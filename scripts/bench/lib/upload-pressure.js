// Background pressure for the separation benchmark: uploads of camera-sized photos that keep the
// worker's media processing busy, and a sampler of its backlog that shows it never ran dry.
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { createClient } from '@aperture/sdk';
import { generatePhotos, uniqueJpeg } from '@aperture/loadgen';

/** A 12 MP (4000 × 3000) camera-like JPEG, made once in `dir` by the load generator's photo maker. */
export async function cameraPhoto(dir) {
  const photos = await generatePhotos(dir, { largeShare: 1, variants: 1 });
  return readFile(photos.large[0]);
}

/**
 * `uploaders` loops, each uploading a unique copy of `photo` through the SDK and waiting until it is
 * ready, then the next: while one photo is processed the others wait in the queue, so the worker
 * always has the next one. stop() lets each loop finish the upload it has under way (the queue
 * drains) and says how many were processed.
 */
export function uploadPressure({ url, tokens, photo, uploaders }) {
  let running = true;
  let uploaded = 0;
  let failed = 0;
  let firstError;
  const loop = async (n) => {
    const client = createClient({ url, token: tokens[1 + (n % (tokens.length - 1))] });
    while (running) {
      try {
        await client.media.upload(uniqueJpeg(photo, randomUUID()), {
          contentType: 'image/jpeg',
          filename: 'camera.jpg',
        });
        uploaded++;
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  const loops = Array.from({ length: uploaders }, (_, n) => loop(n));
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { uploaded, failed, firstError };
    },
  };
}

const BACKLOG_SQL = `SELECT count(*) AS n FROM media WHERE status = 'processing'`;

/** Uploads completed and not processed yet, the `aperture_media_queue_depth` gauge's query. */
export async function mediaBacklog(reader) {
  return Number((await reader.all(BACKLOG_SQL))[0].n);
}

/** Samples the backlog every `everyMs` until stop(), which returns the samples. */
export function backlogSampler(reader, everyMs = 100) {
  const samples = [];
  let running = true;
  const done = (async () => {
    while (running) {
      samples.push(await mediaBacklog(reader));
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return samples;
    },
  };
}

/** Waits until the backlog is at least `atLeast` (or at most, with `atMost`), for up to `timeoutMs`. */
export async function waitForBacklog(reader, { atLeast, atMost, timeoutMs = 120_000 }) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const n = await mediaBacklog(reader);
    if ((atLeast === undefined || n >= atLeast) && (atMost === undefined || n <= atMost)) return n;
    if (performance.now() > deadline) throw new Error(`the media backlog stayed at ${n} for ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
