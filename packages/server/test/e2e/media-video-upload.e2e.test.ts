import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audioOnlyMp4,
  h264Mp4,
  hevcMovRotated,
  hlsPlaylist,
  mp4Claiming30000Square,
  mp4WithoutMoov,
  pngFile,
  removeVideoFixtures,
  stillImageMov,
  truncatedMp4,
  vp9Webm,
} from '../fixtures/videos.js';
import { photo } from '../fixtures/images.js';
import { originalKey } from '../../src/modules/media/keys.js';
import { DIALECTS, sqliteDialect } from '../support/databases.js';
import { putTo, sha256, uploadReady, waitForMedia, type Target } from '../support/media.js';
import { registerUser } from '../support/users.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';

interface Created {
  uploadId: string;
  mediaId: string;
  mode: 'single' | 'multipart';
  target: Target;
}

// As the photo upload tests: disk + SQLite, and S3 + Postgres (S3 + SQLite without Postgres).
const PAIRS = [
  { name: 'disk + sqlite', dialect: sqliteDialect, media: 'disk' as const },
  { name: `s3 + ${DIALECTS.at(-1)!.name}`, dialect: DIALECTS.at(-1)!, media: 's3' as const },
];

describe.each(PAIRS)('video uploads on $name', ({ dialect, media }) => {
  let t: TestServer;
  let token: string;
  let segments: Server;
  let segmentRequests = 0;

  beforeAll(async () => {
    t = await startTestServer({ dialect, media });
    token = await registerUser(t.url, 'filmmaker');
    segments = createServer((_request, response) => {
      segmentRequests += 1;
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => segments.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await t?.stop();
    await new Promise((resolve) => segments?.close(resolve));
    await removeVideoFixtures();
  });

  const create = (size: number, contentType: string, hash = '0'.repeat(64)) =>
    callTrpc<Created>(t.url, 'media.createUpload', { token, input: { size, contentType, sha256: hash } });

  /** createUpload → PUT → completeUpload, as a client sends a video. */
  async function send(data: Buffer, contentType = 'video/mp4') {
    const created = (await create(data.length, contentType, sha256(data))).body.result!.data;
    expect(created.mode).toBe('single');
    await putTo(created.target, data);
    const completed = await callTrpc<{ id: string; status: string }>(t.url, 'media.completeUpload', {
      token,
      input: { uploadId: created.uploadId },
    });
    return { mediaId: created.mediaId, completed };
  }
  const appCode = (response: { body: { error?: { data: Record<string, unknown> } } }) =>
    response.body.error?.data.appCode;

  it('accepts H.264 MP4, HEVC MOV and VP9 WebM, and the video worker makes them ready', async () => {
    for (const [file, type] of [
      [await h264Mp4(), 'video/mp4'],
      [await hevcMovRotated(), 'video/quicktime'],
      [await vp9Webm(), 'video/webm'],
    ] as const) {
      const { mediaId, completed } = await send(await readFile(file), type);
      expect(completed.status, file).toBe(200);
      expect(completed.body.result?.data).toMatchObject({ id: mediaId, kind: 'video' });
      expect(await waitForMedia(t.url, token, mediaId), file).toMatchObject({ status: 'ready', kind: 'video' });
    }
  });

  it('refuses each bad file with its code, keeps nothing, and stays up', async () => {
    const segmentUrl = `http://127.0.0.1:${(segments.address() as AddressInfo).port}/segment.ts`;
    const cases: [string, Buffer, string][] = [
      ['audio only', await readFile(await audioOnlyMp4()), 'VIDEO_NO_VIDEO_STREAM'],
      ['an image in a MOV', await readFile(await stillImageMov()), 'VIDEO_NO_VIDEO_STREAM'],
      ['a PNG named .mp4', await readFile(await pngFile()), 'UNSUPPORTED_MEDIA_TYPE'],
      ['an MP4 cut at half', await truncatedMp4(), 'VIDEO_CORRUPT'],
      ['an MP4 without moov', await mp4WithoutMoov(), 'VIDEO_CORRUPT'],
      ['an HLS playlist named .mp4', hlsPlaylist(segmentUrl), 'UNSUPPORTED_MEDIA_TYPE'],
      ['an MP4 claiming 30000×30000', await mp4Claiming30000Square(), 'VIDEO_TOO_LARGE'],
    ];
    for (const [what, data, code] of cases) {
      const { mediaId, completed } = await send(data);
      expect(appCode(completed), what).toBe(code);
      const got = await callTrpc<{ status: string; failureCode: string }>(t.url, 'media.get', {
        type: 'query',
        token,
        input: { id: mediaId },
      });
      expect(got.body.result?.data, what).toMatchObject({ status: 'failed', failureCode: code });
      expect(await t.server.blobs.head(originalKey(mediaId)), what).toBeNull();
    }
    expect(segmentRequests).toBe(0);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    // The same bytes as the first test's clip, now ready: a duplicate, nothing to send.
    const again = await readFile(await h264Mp4());
    expect((await create(again.length, 'video/mp4', sha256(again))).body.result?.data).toMatchObject({
      duplicate: true,
    });
  });

  it('sizes video uploads by the video limit: parts above 16 MiB, refused above 512 MiB', async () => {
    const multipart = await create(17 * 1024 * 1024, 'video/mp4');
    expect(multipart.body.result?.data.mode).toBe('multipart');
    expect(appCode(await create(512 * 1024 * 1024 + 1, 'video/mp4'))).toBe('FILE_TOO_LARGE');
    // Photos keep their own limit.
    expect(appCode(await create(26 * 1024 * 1024, 'image/jpeg'))).toBe('FILE_TOO_LARGE');
  });
});

describe('a server whose video tools are broken', () => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer({ dialect: sqliteDialect, env: { APERTURE_FFPROBE_PATH: '/nonexistent/ffprobe' } });
    token = await registerUser(t.url, 'stillphotos');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is ready, reports the tools on /readyz, refuses videos up front and still takes photos', async () => {
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: { name: string; ok: boolean; error?: string }[] };
    expect(body.status).toBe('ready');
    expect(body.checks).toContainEqual({
      name: 'video tools',
      ok: false,
      required: false,
      error: expect.stringContaining('ffprobe was not found at /nonexistent/ffprobe'),
    });
    const refused = await callTrpc(t.url, 'media.createUpload', {
      token,
      input: { size: 1000, contentType: 'video/mp4', sha256: '0'.repeat(64) },
    });
    expect(refused.status).toBe(503);
    expect(refused.body.error?.data.appCode).toBe('VIDEO_TOOLS_UNAVAILABLE');
    await uploadReady(t.url, token, await photo({ width: 64, height: 48 }));
  });
});
