// Background pressure for the separation benchmark: uploads of camera-sized photos that keep the
// worker's media processing busy, and a sampler of its backlog that shows it never ran dry. The
// uploads run in a worker thread: hashing and copying megabytes on the load generator's thread
// would delay the feed requests it sends, and the feed's latency would grow for the client's sake.
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createClient } from '@aperture/sdk';
import { generatePhotos, uniqueJpeg } from '@aperture/loadgen';
import { openReader } from './bench-dataset.js';

/** The upload clients' niceness (see the worker thread's start below). */
const CLIENT_NICE = 10;

/** A 12 MP (4000 × 3000) camera-like JPEG made once in `dir` by the load generator's photo maker: its path. */
export async function cameraPhoto(dir) {
  const photos = await generatePhotos(dir, { largeShare: 1, variants: 1 });
  return photos.large[0];
}

/**
 * Starts the uploads in a worker thread (below) on the database at `databaseUrl`; stop() ends them
 * once those under way are processed and says how many were.
 */
export function uploadPressure(options) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { uploadPressure: options } });
  const failedEarly = new Promise((_resolve, reject) => worker.once('error', reject));
  failedEarly.catch(() => {}); // stop() reports it
  return {
    async stop() {
      const result = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      const done = await Promise.race([result, failedEarly]);
      await worker.terminate();
      return done;
    },
  };
}

/**
 * Uploads of unique copies of `photo` through the SDK, `backlog` of them sending their bytes at once
 * whenever fewer than `backlog` wait for the worker: the queue stays at that depth or a little above
 * however fast the worker drains it, without waiting for the SDK to notice
 * a photo is ready (it polls at up to 1 s, long enough for a short queue to run dry). An upload
 * stops counting as sending once `media.completeUpload` has answered, when its row is queued.
 */
function pressure({ url, tokens, photo, reader, backlog }) {
  let running = true;
  let sending = 0;
  let made = 0;
  let uploaded = 0;
  let failed = 0;
  let firstError;
  const underway = new Set();
  const start = () => {
    sending++;
    let counted = true;
    const sent = () => {
      if (counted) sending--;
      counted = false;
    };
    const client = createClient({
      url,
      token: tokens[1 + (made++ % (tokens.length - 1))],
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).includes('media.completeUpload')) sent();
        return response;
      },
    });
    const upload = client.media
      .upload(uniqueJpeg(photo, randomUUID()), { contentType: 'image/jpeg', filename: 'camera.jpg' })
      .then(
        () => uploaded++,
        (error) => {
          failed++;
          firstError ??= error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        sent();
        underway.delete(upload);
      });
    underway.add(upload);
  };
  const topUp = (async () => {
    while (running) {
      const queued = await mediaBacklog(reader);
      // Short of `backlog` queued, up to `backlog` more are sent at once: a slow upload (a busy API)
      // must not let the queue run dry while the others are still on their way.
      const wanted = queued < backlog ? backlog : 0;
      for (let n = sending; n < wanted && running; n++) start();
      await new Promise((resolve) => setTimeout(resolve, failed > 0 ? 500 : 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await topUp;
      await Promise.all(underway);
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

if (!isMainThread && workerData?.uploadPressure) {
  const { url, tokens, photoFile, databaseUrl, backlog } = workerData.uploadPressure;
  // These uploads stand for phones elsewhere: on Linux a niceness is a thread's, so this thread's
  // hashing and sending of megabytes yields the box's cores to the servers under test (elsewhere
  // the call would nice the whole load generator, so it is not made).
  if (process.platform === 'linux') setPriority(0, CLIENT_NICE);
  const reader = openReader(databaseUrl);
  const running = pressure({ url, tokens, photo: await readFile(photoFile), reader, backlog });
  parentPort.once('message', async () => {
    const result = await running.stop();
    await reader.close();
    parentPort.postMessage(result);
  });
}
