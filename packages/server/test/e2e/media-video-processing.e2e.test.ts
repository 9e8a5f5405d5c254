import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivativeKey } from '../../src/modules/media/keys.js';
import sharp from 'sharp';
import {
  HEVC_LOCATION,
  blackThenPatternMp4,
  h264Mp4Vga,
  hevcMovRotated,
  removeVideoFixtures,
} from '../fixtures/videos.js';
import { DIALECTS, sqliteDialect } from '../support/databases.js';
import { putTo, sha256, uploadReady, waitForMedia, type Target } from '../support/media.js';
import { photo } from '../fixtures/images.js';
import { registerUser } from '../support/users.js';
import { callTrpc, manualClock, startTestServer, type TestServer } from '../support/server.js';

const ffprobe = (createRequire(import.meta.url)('@ffprobe-installer/ffprobe') as { path: string }).path;

interface Probed {
  streams: {
    codec_type: string;
    codec_name: string;
    profile?: string;
    pix_fmt?: string;
    width?: number;
    height?: number;
    side_data_list?: unknown[];
    tags?: Record<string, string>;
  }[];
  format: { tags?: Record<string, string> };
}

const PAIRS = [
  { name: 'disk + sqlite', dialect: sqliteDialect, media: 'disk' as const },
  { name: `s3 + ${DIALECTS.at(-1)!.name}`, dialect: DIALECTS.at(-1)!, media: 's3' as const },
];

describe.each(PAIRS)('video processing on $name', ({ dialect, media }) => {
  let t: TestServer;
  let token: string;
  let work: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect, media });
    token = await registerUser(t.url, 'director');
    work = await mkdtemp(path.join(tmpdir(), 'aperture-rendition-'));
  });
  afterAll(async () => {
    await t?.stop();
    await removeVideoFixtures();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function uploadVideo(file: string, contentType: string, keepLocation = false) {
    const data = await readFile(file);
    const created = await callTrpc<{ uploadId: string; mediaId: string; target: Target }>(t.url, 'media.createUpload', {
      token,
      input: { size: data.length, contentType, sha256: sha256(data), keepLocation },
    });
    const { uploadId, mediaId, target } = created.body.result!.data;
    await putTo(target, data);
    const completed = await callTrpc(t.url, 'media.completeUpload', { token, input: { uploadId } });
    expect(completed.status).toBe(200);
    return mediaId;
  }

  /** A stored rendition as ffprobe reads it. */
  async function probeRendition(mediaId: string, name: '720' | '360'): Promise<Probed> {
    const bytes = await buffer((await t.server.blobs.get(derivativeKey(mediaId, name, 'mp4'))).body);
    const file = path.join(work, `${mediaId}-${name}.mp4`);
    await writeFile(file, bytes);
    const { stdout } = await promisify(execFile)(ffprobe, [
      '-v',
      'error',
      '-show_streams',
      '-show_format',
      '-of',
      'json',
      file,
    ]);
    return JSON.parse(stdout) as Probed;
  }

  it('makes H.264 High + AAC renditions at 720p and 360p (never enlarged), a poster, and keeps the facts', async () => {
    const id = await uploadVideo(await h264Mp4Vga(), 'video/mp4');
    const ready = await waitForMedia(t.url, token, id);
    expect(ready).toMatchObject({ status: 'ready', kind: 'video', width: 640, height: 480, progress: 100 });
    expect(ready.durationMs).toBeGreaterThan(900);
    const urls = ready.urls as Record<string, { webp: string; jpg: string }>;
    expect(Object.keys(urls).sort()).toEqual(['thumb', 'w1080', 'w320', 'w640']);
    const poster = await fetch(urls.w320!.webp);
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/webp');

    for (const [name, width, height] of [
      ['720', 640, 480],
      ['360', 480, 360],
    ] as const) {
      const probed = await probeRendition(id, name);
      const video = probed.streams.find((s) => s.codec_type === 'video')!;
      expect(video, name).toMatchObject({ codec_name: 'h264', profile: 'High', pix_fmt: 'yuv420p', width, height });
      expect(probed.streams.find((s) => s.codec_type === 'audio')?.codec_name, name).toBe('aac');
    }
    const row = await t.server.db.kysely.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ fps: 10, video_codec: 'h264', audio_codec: 'aac', has_audio: 1, format: 'mp4' });
  });

  it('takes the poster from the pattern, not the black second that is more than half the clip', async () => {
    const id = await uploadVideo(await blackThenPatternMp4(), 'video/mp4');
    const ready = await waitForMedia(t.url, token, id);
    expect(ready).toMatchObject({ status: 'ready', kind: 'video', width: 320, height: 240 });
    const poster = await fetch((ready.urls as Record<string, { jpg: string }>).w320!.jpg);
    expect(poster.status).toBe(200);
    const { channels } = await sharp(Buffer.from(await poster.arrayBuffer())).stats();
    // Black is 0 in every channel; the test pattern's colour bars average near the middle.
    const mean = channels.slice(0, 3).reduce((sum, c) => sum + c.mean, 0) / 3;
    expect(mean).toBeGreaterThan(60);
  });

  it('turns a rotated clip upright and writes no location into any rendition, keeping it for the owner only when asked', async () => {
    const dropped = await uploadVideo(await hevcMovRotated(), 'video/quicktime');
    const kept = await uploadVideo(await hevcMovRotated(), 'video/quicktime', true);
    const droppedView = await waitForMedia(t.url, token, dropped);
    const keptView = await waitForMedia(t.url, token, kept);
    expect(droppedView).toMatchObject({ status: 'ready', width: 96, height: 128, location: null });
    expect(keptView).toMatchObject({ status: 'ready', location: HEVC_LOCATION });
    for (const id of [dropped, kept]) {
      for (const name of ['720', '360'] as const) {
        const probed = await probeRendition(id, name);
        const video = probed.streams.find((s) => s.codec_type === 'video')!;
        // Portrait stays portrait, with the pixels themselves upright: no display matrix to apply.
        expect(video).toMatchObject({ width: 96, height: 128 });
        expect(video.side_data_list ?? []).toEqual([]);
        const tags = JSON.stringify([probed.format.tags ?? {}, ...probed.streams.map((s) => s.tags ?? {})]);
        expect(tags).not.toMatch(/location|ISO6709|\+37\.77/);
      }
    }
  });
});

describe.each(PAIRS)('serving video renditions on $name', ({ dialect, media }) => {
  let t: TestServer;
  let owner: string;
  let stranger: string;
  beforeAll(async () => {
    t = await startTestServer({ dialect, media });
    owner = await registerUser(t.url, 'projectionist');
    stranger = await registerUser(t.url, 'passerby');
  });
  afterAll(async () => {
    await t?.stop();
    await removeVideoFixtures();
  });

  it('serves 720.mp4 and 360.mp4 with ranges, HEAD and ETags, private until posted, then in mixed posts', async () => {
    const data = await readFile(await h264Mp4Vga());
    const created = await callTrpc<{ uploadId: string; mediaId: string; target: Target }>(t.url, 'media.createUpload', {
      token: owner,
      input: { size: data.length, contentType: 'video/mp4', sha256: sha256(data) },
    });
    const { uploadId, mediaId: id, target } = created.body.result!.data;
    await putTo(target, data);
    await callTrpc(t.url, 'media.completeUpload', { token: owner, input: { uploadId } });
    const ready = (await waitForMedia(t.url, owner, id)) as unknown as { renditions: Record<string, string> };
    expect(Object.keys(ready.renditions).sort()).toEqual(['360p', '720p']);
    const signed = ready.renditions['720p']!;
    expect(signed).toMatch(/\/media\/\d+\/720\.mp4\?exp=\d+&sig=/);

    const whole = await fetch(signed);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');
    expect(whole.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    const stored = await buffer((await t.server.blobs.get(derivativeKey(id, '720', 'mp4'))).body);
    expect(bytes.equals(stored)).toBe(true);

    const part = await fetch(signed, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${stored.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(stored.subarray(0, 100))).toBe(true);
    const past = await fetch(signed, { headers: { range: `bytes=${stored.length}-` } });
    expect(past.status).toBe(416);
    const head = await fetch(signed, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(stored.length));
    const again = await fetch(signed, { headers: { 'if-none-match': whole.headers.get('etag')! } });
    expect(again.status).toBe(304);

    // Not posted: nobody else without the signature, as for a photo.
    const plain = signed.split('?')[0]!;
    expect((await fetch(plain, { headers: { authorization: `Bearer ${stranger}` } })).status).toBe(404);
    expect((await fetch(plain, { headers: { authorization: `Bearer ${owner}` } })).status).toBe(200);
    expect((await fetch(plain.replace('720.mp4', '1080.mp4'))).status).toBe(404);
    expect((await fetch(plain.replace('720.mp4', 'original'))).status).toBe(404);

    const photoId = await uploadReady(t.url, owner, await photo({ width: 64, height: 48 }));
    const post = await callTrpc<{ id: string }>(t.url, 'posts.create', {
      token: owner,
      input: { mediaIds: [id, photoId], caption: 'a clip and a still' },
    });
    const seen = await callTrpc<{
      media: { kind: string; durationMs: number | null; renditions: Record<string, string> }[];
    }>(t.url, 'posts.get', { type: 'query', token: stranger, input: { id: post.body.result!.data.id } });
    const [clip, still] = seen.body.result!.data.media;
    expect(clip).toMatchObject({ kind: 'video', renditions: { '720p': plain, '360p': plain.replace('720', '360') } });
    expect(clip!.durationMs).toBeGreaterThan(900);
    expect(still).toMatchObject({ kind: 'image', durationMs: null, renditions: {} });
    const publicFetch = await fetch(plain);
    expect(publicFetch.status).toBe(200);
    expect(publicFetch.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});

describe.each(PAIRS)('a transcode killed half-way on $name', ({ dialect, media }) => {
  const clock = manualClock();
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    // An api-role server runs no background work: the test drives the video processor itself.
    t = await startTestServer({ dialect, media, clock, env: { APERTURE_ROLE: 'api' } });
    token = await registerUser(t.url, 'interrupted');
  });
  afterAll(async () => {
    await t?.stop();
    await removeVideoFixtures();
  });

  it('leaves nothing listed, spends the attempt, and is done again from the start later', async () => {
    const data = await readFile(await h264Mp4Vga());
    const created = await callTrpc<{ uploadId: string; mediaId: string; target: Target }>(t.url, 'media.createUpload', {
      token,
      input: { size: data.length, contentType: 'video/mp4', sha256: sha256(data) },
    });
    const { uploadId, mediaId: id, target } = created.body.result!.data;
    await putTo(target, data);
    await callTrpc(t.url, 'media.completeUpload', { token, input: { uploadId } });

    const tools = t.server.services.videoTools;
    const processing = t.server.background.videoProcessor.processNext();
    const deadline = Date.now() + 30_000;
    while (tools.runningPids.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    // As the kernel's OOM killer would: the child dies under the worker.
    for (const pid of tools.runningPids) process.kill(pid, 'SIGKILL');
    expect(await processing).toBe(true);

    const row = () => t.server.db.kysely.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(await row()).toMatchObject({ status: 'processing', derivatives: null, claimed_by: null, attempts: 1 });
    const view = await callTrpc<{ urls: object }>(t.url, 'media.get', { type: 'query', token, input: { id } });
    expect(view.body.result?.data).toMatchObject({ kind: 'video', status: 'processing', urls: {} });

    // Not before its back-off has passed; then from the start, to the end.
    expect(await t.server.background.videoProcessor.processNext()).toBe(false);
    clock.advance(60_000);
    expect(await t.server.background.videoProcessor.processNext()).toBe(true);
    const done = await row();
    expect(done).toMatchObject({ status: 'ready', attempts: 2 });
    expect(Object.keys(JSON.parse(done.derivatives!) as object)).toEqual(
      expect.arrayContaining(['720.mp4', '360.mp4']),
    );
  });
});
