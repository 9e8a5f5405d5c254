import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originalKey } from '../../src/modules/media/keys.js';
import { photo } from '../fixtures/images.js';
import { DIALECTS, sqliteDialect } from '../support/databases.js';
import { noisePng, putTo, sha256, waitForMedia, type Target } from '../support/media.js';
import { registerUser } from '../support/users.js';
import { callTrpc, manualClock, startTestServer, type TestServer } from '../support/server.js';

interface CreateUploadResult {
  duplicate: boolean;
  uploadId: string;
  mediaId: string;
  mode: 'single' | 'multipart';
  target: Target;
  partSize: number;
  parts: (Target & { partNumber: number; size: number })[];
  media?: { id: string };
}

// Two pairs cover both blob stores and both dialects: disk + SQLite, and S3 + Postgres (S3 + SQLite without Postgres).
const PAIRS = [
  { name: 'disk + sqlite', dialect: sqliteDialect, media: 'disk' as const },
  { name: `s3 + ${DIALECTS.at(-1)!.name}`, dialect: DIALECTS.at(-1)!, media: 's3' as const },
];

describe.each(PAIRS)('upload protocol on $name', ({ dialect, media }) => {
  const clock = manualClock();
  let t: TestServer;
  let token: string;
  let other: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect, media, clock });
    token = await registerUser(t.url, 'uploader');
    other = await registerUser(t.url, 'someone');
  });
  afterAll(async () => {
    await t?.stop();
  });

  const create = (data: Buffer, extra: Record<string, unknown> = {}, as = token) =>
    callTrpc<CreateUploadResult>(t.url, 'media.createUpload', {
      token: as,
      input: { size: data.length, contentType: 'image/jpeg', sha256: sha256(data), ...extra },
    });
  const complete = (uploadId: string, parts?: { partNumber: number; etag: string }[]) =>
    callTrpc<{ id: string; status: string }>(t.url, 'media.completeUpload', { token, input: { uploadId, parts } });

  it('single PUT → complete → ready, with every derivative served', async () => {
    const image = await photo({ width: 1600, height: 1200 });
    const created = (await create(image)).body.result!.data;
    expect(created).toMatchObject({ duplicate: false, mode: 'single' });
    await putTo(created.target, image);
    const completed = await complete(created.uploadId);
    expect(completed.status).toBe(200);
    expect(['processing', 'ready']).toContain(completed.body.result?.data.status);
    const ready = await waitForMedia(t.url, token, created.mediaId);
    expect(ready).toMatchObject({ status: 'ready', width: 1600, height: 1200 });
    const urls = ready.urls as Record<string, { webp: string; jpg: string }>;
    expect(Object.keys(urls).sort()).toEqual(['thumb', 'w1080', 'w320', 'w640']);
    const served = await fetch(urls.w640!.webp);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');

    // A late PUT to the still-valid URL cannot swap the kept original: it was copied while hashed.
    await putTo(created.target, Buffer.from('<svg onload="alert(1)"/>'));
    const kept = await t.server.blobs.get(originalKey(created.mediaId));
    expect(sha256(await buffer(kept.body))).toBe(sha256(image));

    // Idempotent: completing again answers the same media, queues nothing new.
    const again = await complete(created.uploadId);
    expect(again.body.result?.data).toMatchObject({ id: created.mediaId, status: 'ready' });
    // Dedupe: the same bytes again need no upload.
    const dup = (await create(image)).body.result!.data;
    expect(dup).toMatchObject({ duplicate: true, mediaId: created.mediaId });
    // Dedupe is per user: someone else uploading the same bytes gets their own upload.
    expect((await create(image, {}, other)).body.result?.data.duplicate).toBe(false);
    // Nobody else can see media that is not posted.
    const foreign = await callTrpc(t.url, 'media.get', { type: 'query', token: other, input: { id: created.mediaId } });
    expect(foreign.status).toBe(404);
  });

  it('multipart with a dropped part resumes from uploadStatus', async () => {
    const image = await noisePng(18);
    const created = (await create(image, { contentType: 'image/png' })).body.result!.data;
    expect(created.mode).toBe('multipart');
    expect(created.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    const slice = (n: number) => image.subarray((n - 1) * created.partSize, n * created.partSize);
    // Part 2 is "dropped": the client loses its place after sending parts 1 and 3.
    await putTo(created.parts[0]!, slice(1));
    await putTo(created.parts[2]!, slice(3));
    const early = await complete(created.uploadId);
    expect(early.status).toBe(409);
    expect(early.body.error?.data.appCode).toBe('UPLOAD_INCOMPLETE');

    const status = await callTrpc<{
      storedParts: { partNumber: number }[];
      missing: (Target & { partNumber: number })[];
    }>(t.url, 'media.uploadStatus', { type: 'query', token, input: { uploadId: created.uploadId } });
    expect(status.body.result?.data.storedParts.map((p) => p.partNumber)).toEqual([1, 3]);
    expect(status.body.result?.data.missing.map((p) => p.partNumber)).toEqual([2]);
    await putTo(status.body.result!.data.missing[0]!, slice(2));
    const done = await complete(created.uploadId);
    expect(done.status).toBe(200);
    expect(await waitForMedia(t.url, token, created.mediaId)).toMatchObject({ status: 'ready' });
  });

  it('rejects a size or hash mismatch, deletes the bytes, and says so again on retry', async () => {
    const image = await photo({ width: 400, height: 300 });
    const short = (await create(image)).body.result!.data;
    await putTo(short.target, image.subarray(0, image.length - 10));
    const sized = await complete(short.uploadId);
    expect(sized.status).toBe(422);
    expect(sized.body.error?.data.appCode).toBe('UPLOAD_SIZE_MISMATCH');
    expect(await t.server.blobs.head(originalKey(short.mediaId))).toBeNull();
    expect((await complete(short.uploadId)).body.error?.data.appCode).toBe('UPLOAD_SIZE_MISMATCH');

    const tampered = Buffer.from(image);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 3) ^ 0xff, tampered.length - 3);
    const hashed = (await create(image, { filename: 'x.jpg' })).body.result!.data;
    await putTo(hashed.target, tampered);
    const result = await complete(hashed.uploadId);
    expect(result.body.error?.data.appCode).toBe('UPLOAD_HASH_MISMATCH');
  });

  it('expires uploads after 15 minutes and sweeps abandoned ones after a day', async () => {
    const image = await photo({ width: 300, height: 200 });
    const created = (await create(image)).body.result!.data;
    clock.advance(16 * 60_000);
    const late = await complete(created.uploadId);
    expect(late.status).toBe(410);
    expect(late.body.error?.data.appCode).toBe('UPLOAD_EXPIRED');
    // As a complete leaves it whose copy succeeded and whose database write did not.
    await t.server.blobs.put(originalKey(created.mediaId), image);
    clock.advance(24 * 3_600_000);
    const swept = await t.server.background.mediaSweeper.sweep();
    expect(swept.abandonedUploads).toBeGreaterThanOrEqual(1);
    const gone = await callTrpc(t.url, 'media.get', { type: 'query', token, input: { id: created.mediaId } });
    expect(gone.status).toBe(404);
    expect(await t.server.blobs.head(originalKey(created.mediaId))).toBeNull();
  });

  it('refuses types and sizes it will never accept before any byte is sent', async () => {
    const svg = await create(Buffer.from('<svg/>'), { contentType: 'image/svg+xml' });
    expect(svg.status).toBe(415);
    expect(svg.body.error?.data.appCode).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = await callTrpc(t.url, 'media.createUpload', {
      token,
      input: { size: 26 * 1024 * 1024, contentType: 'image/jpeg', sha256: 'a'.repeat(64) },
    });
    expect(big.status).toBe(413);
    expect(big.body.error?.data.appCode).toBe('FILE_TOO_LARGE');
    const anonymous = await callTrpc(t.url, 'media.createUpload', {
      input: { size: 10, contentType: 'image/jpeg', sha256: 'a'.repeat(64) },
    });
    expect(anonymous.status).toBe(401);
  });
});
