import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeNoiseVideo, removeVideoFixtures } from '../../server/test/fixtures/videos.js';
import { DIALECTS, sqliteDialect } from '../../server/test/support/databases.js';
import { startTestServer, type TestServer } from '../../server/test/support/server.js';
import { NetworkError, type FetchFunction } from '../src/index.js';
import { failure } from './support/failure.js';
import { partNumberOf, progressLog, signedInClient } from './support/media.js';

// As the server's upload tests: disk + SQLite, and S3 (s3rver) + Postgres (S3 + SQLite without Postgres).
const PAIRS = [
  { name: 'disk + sqlite', dialect: sqliteDialect, media: 'disk' as const },
  { name: `s3 + ${DIALECTS.at(-1)!.name}`, dialect: DIALECTS.at(-1)!, media: 's3' as const },
];
/** The part whose PUT is cut half-way through its body. */
const CUT_PART = 3;

/** Part number of a PUT target: S3's `partNumber` query, or the claims of a disk `/uploads` token. */
function partOf(url: string): number {
  const fromQuery = new URL(url).searchParams.get('partNumber');
  const part = fromQuery === null ? partNumberOf(url) : Number(fromQuery);
  if (part === undefined) throw new Error(`not a part URL: ${url}`);
  return part;
}

/**
 * The client's transport, watched: every PUT body's bytes are counted as the connection takes them,
 * per part, and `onBytes` hears each step. The first `media.createUpload` answer's upload id is
 * kept (an aborted upload leaves the caller no other way to learn it). Requests still go to the
 * real server and store.
 */
function watchedFetch(onBytes: (part: number, sent: number, total: number) => void) {
  const sent = new Map<number, number>();
  const watch = { sent, uploadId: undefined as string | undefined, puts: [] as number[] };
  const watched: FetchFunction = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (init?.method === 'PUT' && init.body instanceof ReadableStream) {
      const part = partOf(url);
      const total = Number((init.headers as Record<string, string>)['content-length']);
      watch.puts.push(part);
      const counting = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          sent.set(part, (sent.get(part) ?? 0) + chunk.byteLength);
          controller.enqueue(chunk);
          onBytes(part, sent.get(part)!, total);
        },
      });
      return fetch(url, { ...init, body: (init.body as ReadableStream<Uint8Array>).pipeThrough(counting) });
    }
    const response = await fetch(input, init);
    if (url.includes('/trpc/media.createUpload') && watch.uploadId === undefined) {
      const body = await response.clone().json();
      const [answer] = (Array.isArray(body) ? body : [body]) as { result?: { data?: { uploadId?: string } } }[];
      watch.uploadId = answer?.result?.data?.uploadId;
    }
    return response;
  };
  return { fetch: watched, watch };
}

describe.each(PAIRS)('a 100 MB video upload cut mid-part, resumed, on $name', ({ dialect, media }) => {
  let t: TestServer;
  let video: Buffer;
  beforeAll(async () => {
    t = await startTestServer({ dialect, media });
    video = await readFile(await largeNoiseVideo(100));
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await removeVideoFixtures();
  });

  it('stores the parts that arrived whole, sends only the rest on resume, and the video becomes ready', async () => {
    const controller = new AbortController();
    // The SDK's own abort, half-way through the cut part's body: the connection closes mid-request.
    const { fetch: watched, watch } = watchedFetch((part, sent, total) => {
      if (part === CUT_PART && sent >= total / 2) controller.abort();
    });
    const client = await signedInClient(t.url, watched);
    const error = await failure(() => client.media.upload(video, { signal: controller.signal, concurrency: 1 }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(watch.puts).toEqual([1, 2, 3]);
    const uploadId = watch.uploadId!;
    expect(uploadId).toBeDefined();

    const status = await client.media.uploadStatus(uploadId);
    expect(status).toMatchObject({ status: 'pending', mode: 'multipart' });
    expect(status.storedParts.map((p) => p.partNumber)).toEqual([1, 2]);
    const partSize = status.storedParts[0]!.size;
    const partCount = Math.ceil(video.length / partSize);
    expect(partCount).toBeGreaterThanOrEqual(10);
    expect(status.missing.map((p) => p.partNumber)).toEqual(range(CUT_PART, partCount));
    const sentBefore = new Map(watch.sent);

    const progress = progressLog();
    const ready = await client.media.resume(uploadId, video, { onProgress: progress.onProgress, concurrency: 1 });

    expect(ready).toMatchObject({ status: 'ready', kind: 'video', width: 1920, height: 1080 });
    if (ready.kind !== 'video') throw new Error(`expected a video, got ${ready.kind}`);
    expect(Object.keys(ready.renditions).sort()).toEqual(['360p', '720p']);
    expect((await fetch(ready.renditions['720p']!)).headers.get('content-type')).toBe('video/mp4');
    // Parts 1 and 2 were not sent again, not a byte of them; the cut part and the rest once each, whole.
    expect(watch.puts).toEqual([1, 2, CUT_PART, ...range(CUT_PART, partCount)]);
    expect(watch.sent.get(1)).toBe(sentBefore.get(1));
    expect(watch.sent.get(2)).toBe(sentBefore.get(2));
    const resent = [...watch.sent].reduce((sum, [part, bytes]) => sum + bytes - (sentBefore.get(part) ?? 0), 0);
    expect(resent).toBe(video.length - 2 * partSize);
    expect(progress.events[0]?.sentBytes).toBe(2 * partSize);
    expect(progress.events.at(-1)).toMatchObject({ phase: 'done', sentBytes: video.length });
  }, 180_000);
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
