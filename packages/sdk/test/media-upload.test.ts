import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { MediaRejectedError, NetworkError, type MediaView } from '../src/index.js';
import { BAD_FILES, photo } from '../../server/test/fixtures/images.js';
import { h264Mp4, removeVideoFixtures } from '../../server/test/fixtures/videos.js';
import { jpeg, progressFacts, progressLog, recordingFetch, signedInClient } from './support/media.js';
import { failure } from './support/failure.js';

let server: EphemeralServer;
let dir: string;
beforeAll(async () => {
  server = await startEphemeralServer();
  dir = await mkdtemp(join(tmpdir(), 'aperture-sdk-media-'));
});
afterAll(async () => {
  await server?.stop();
  await removeVideoFixtures();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('client.media.upload', () => {
  it('uploads a video and reports how far the server is until its renditions are ready', async () => {
    const client = await signedInClient(server.url);
    const progress = progressLog();
    const media = await client.media.upload(await h264Mp4(), { onProgress: progress.onProgress });
    expect(media).toMatchObject({ status: 'ready', kind: 'video', width: 64, height: 48, progress: 100 });
    expect(media.durationMs).toBeGreaterThan(900);
    expect(Object.keys(media.renditions).sort()).toEqual(['360p', '720p']);
    // `kind` narrows the view: only a video's renditions have a `720p`.
    if (media.kind !== 'video') throw new Error(`expected a video, got ${media.kind}`);
    expect((await fetch(media.renditions['720p']!)).headers.get('content-type')).toBe('video/mp4');
    const processing = progress.events.filter((e) => e.phase === 'processing');
    expect(processing.length).toBeGreaterThan(0);
    expect(processing.at(-1)?.processedPercent).toBe(100);
    expect(progress.events.at(-1)).toMatchObject({ phase: 'done', processedPercent: 100 });
  });

  it('uploads a JPEG from a path in one PUT and resolves to the ready media with its URLs', async () => {
    const recorder = recordingFetch();
    const client = await signedInClient(server.url, recorder.fetch);
    const bytes = await jpeg(1);
    const path = join(dir, 'first.jpg');
    await writeFile(path, bytes);
    const progress = progressLog();

    const media = await client.media.upload(path, { onProgress: progress.onProgress });

    expect(media.status).toBe('ready');
    expect(media).toMatchObject({ width: 640, height: 480 });
    expect(media.urls.thumb?.webp).toMatch(new RegExp(`/media/${media.id}/thumb\\.webp`));
    expect(media.urls.w320?.jpg).toMatch(new RegExp(`/media/${media.id}/w320\\.jpg`));
    const thumb = await fetch(media.urls.thumb!.webp);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(await client.media.get(media.id)).toEqual(media);

    expect(recorder.puts()).toHaveLength(1);
    expect(recorder.requests.filter((r) => r.kind.includes('media.completeUpload'))).toHaveLength(1);
    const facts = progressFacts(progress.events, bytes.length);
    expect(facts.phases).toEqual(['hashing', 'uploading', 'processing', 'done']);
    expect(facts.totals).toEqual([bytes.length]);
    expect(facts.inRange).toBe(true);
    expect(facts.retracted).toBe(0);
    expect(facts.last).toEqual({
      phase: 'done',
      sentBytes: bytes.length,
      totalBytes: bytes.length,
      processedPercent: null,
    });
  });

  it('sends nothing again for the same bytes, whether they come as a Buffer, a Blob, a stream or a path', async () => {
    const recorder = recordingFetch();
    const client = await signedInClient(server.url, recorder.fetch);
    const bytes = await jpeg(2);
    const first = await client.media.upload(bytes);
    expect(first.status).toBe('ready');

    const path = join(dir, 'again.jpg');
    await writeFile(path, bytes);
    const inputs = {
      buffer: Buffer.from(bytes),
      uint8array: new Uint8Array(bytes),
      blob: new Blob([bytes]),
      stream: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
      path,
    };
    for (const [kind, input] of Object.entries(inputs)) {
      const before = recorder.requests.length;
      const progress = progressLog();
      const again: MediaView = await client.media.upload(input, { onProgress: progress.onProgress });
      const requests = recorder.requests.slice(before).map((r) => r.kind);
      expect(again.id, kind).toBe(first.id);
      expect(requests, kind).toEqual(['media.createUpload']);
      expect(progress.events.at(-1), kind).toEqual({
        phase: 'done',
        sentBytes: 0,
        totalBytes: bytes.length,
        processedPercent: null,
      });
    }
  });

  it('refuses a file that is not an image before any request, as MediaRejectedError', async () => {
    const recorder = recordingFetch();
    const client = await signedInClient(server.url, recorder.fetch);
    const before = recorder.requests.length;
    for (const input of [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), new Uint8Array(0)]) {
      const error = await failure(() => client.media.upload(input));
      expect(error).toBeInstanceOf(MediaRejectedError);
      expect(error.name).toBe('MediaRejectedError');
      expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(error.status).toBe(0);
    }
    expect(recorder.requests.length).toBe(before);
  });

  it('refuses a stream past maxBytes without reading it to the end or sending anything', async () => {
    const recorder = recordingFetch();
    const client = await signedInClient(server.url, recorder.fetch);
    const before = recorder.requests.length;
    let chunksRead = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      const head = await jpeg(3);
      yield head;
      for (;;) {
        chunksRead += 1;
        yield new Uint8Array(1024 * 1024);
      }
    }
    const error = await failure(() => client.media.upload(endless(), { maxBytes: 4 * 1024 * 1024 }));
    expect(error).toBeInstanceOf(MediaRejectedError);
    expect(error.code).toBe('FILE_TOO_LARGE');
    expect(error.message).toContain('4 MiB');
    expect(chunksRead).toBeLessThanOrEqual(5);
    expect(recorder.requests.length).toBe(before);
  });

  // Some are refused by the SDK before any request, the others by the server; all the same way.
  it.each(BAD_FILES)('refuses a $name as MediaRejectedError $code', async ({ make, code }) => {
    const client = await signedInClient(server.url);
    const error = await failure(async () => client.media.upload(await make()));
    expect(error).toBeInstanceOf(MediaRejectedError);
    expect(error.code).toBe(code);
  });

  it('keeps the GPS position only when asked to', async () => {
    const client = await signedInClient(server.url);
    const gps = { lat: 48.8584, lng: 2.2945 };
    const kept = await client.media.upload(await photo({ gps }), { keepLocation: true });
    expect(kept.location?.lat).toBeCloseTo(gps.lat, 3);
    expect(kept.location?.lng).toBeCloseTo(gps.lng, 3);
    const dropped = await client.media.upload(await photo({ gps, width: 500 }));
    expect(dropped.status).toBe('ready');
    expect(dropped.location).toBeNull();
  });

  it('fails with NetworkError, without a request, when the signal is already aborted', async () => {
    const recorder = recordingFetch();
    const client = await signedInClient(server.url, recorder.fetch);
    const before = recorder.requests.length;
    const controller = new AbortController();
    controller.abort();
    const error = await failure(() => client.media.upload(Buffer.from('anything'), { signal: controller.signal }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain('aborted');
    expect(recorder.requests.length).toBe(before);
  });
});

describe('client.accounts.setAvatar', () => {
  it('makes an uploaded image the avatar everyone sees, and removes it with null', async () => {
    const client = await signedInClient(server.url);
    const media = await client.media.upload(await jpeg(31));
    const { avatar } = await client.accounts.setAvatar(media.id);
    expect(avatar?.webp).toMatch(new RegExp(`/media/${media.id}/thumb\\.webp`));
    expect((await client.me()).avatar).toEqual(avatar);
    // Public: fetched without a token.
    expect((await fetch(avatar!.jpg)).status).toBe(200);

    expect(await client.accounts.setAvatar(null)).toEqual({ avatar: null });
    expect((await client.me()).avatar).toBeNull();
  });
});
