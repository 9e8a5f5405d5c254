import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hammingDistance } from '../../src/modules/blocklist/hashes.js';
import { perceptualHashOfImage } from '../../src/modules/media/pipeline/index.js';
import { copiesOf, scene } from '../fixtures/scenes.js';
import { DIALECTS } from '../support/databases.js';
import { putTo, sha256, waitForMedia, type Target } from '../support/media.js';
import { signUp, type SignedUp } from '../support/users.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';

const ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
const limits = { maxPixels: 50_000_000, maxBytes: 25 * 1024 * 1024 };
const BLOCKED_MESSAGE = "The media was refused by this server's content rules.";

interface Media {
  id: string;
  status: string;
  failureCode: string | null;
  failureReason: string | null;
}

interface AddResult {
  entry: { hash: string; reason: string; sourceMediaId: string | null; addedById: string | null };
  created: boolean;
  matchedMedia: number;
  hiddenPosts: number;
}

/** Uploads through the real protocol and waits until processing has decided. */
async function upload(url: string, token: string, data: Buffer, contentType = 'image/jpeg'): Promise<Media> {
  const created = await callTrpc<{ mediaId: string; uploadId: string; target: Target }>(url, 'media.createUpload', {
    token,
    input: { size: data.length, contentType, sha256: sha256(data) },
  });
  const started = created.body.result?.data;
  if (!started) throw new Error(`createUpload failed: ${JSON.stringify(created.body)}`);
  await putTo(started.target, data);
  const completed = await callTrpc(url, 'media.completeUpload', { token, input: { uploadId: started.uploadId } });
  if (completed.body.error) throw new Error(`completeUpload failed: ${JSON.stringify(completed.body)}`);
  return (await waitForMedia(url, token, started.mediaId)) as unknown as Media;
}

async function post(url: string, token: string, mediaId: string) {
  return callTrpc<{ id: string }>(url, 'posts.create', { token, input: { mediaIds: [mediaId], caption: 'x' } });
}

describe.each(DIALECTS)('media blocklist on $name', (dialect) => {
  let t: TestServer;
  let warden: SignedUp;
  let alice: SignedUp;
  let bob: SignedUp;
  let work: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    // The instance's first account is its admin: the warden manages the blocklist, the others may not.
    warden = await signUp(t.url, 'warden');
    [alice, bob] = await Promise.all([signUp(t.url, 'alice'), signUp(t.url, 'bob')]);
    work = await mkdtemp(path.join(tmpdir(), 'aperture-blocklist-'));
  });
  afterAll(async () => {
    await t?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const call = <T>(who: SignedUp, procedure: string, input?: unknown, type: 'query' | 'mutation' = 'mutation') =>
    callTrpc<T>(t.url, procedure, { token: who.token, input, type });

  it('blocks a photo: posts of it and of copies hidden, copies refused, other photos pass', async () => {
    const original = await scene(1);
    const copies = await copiesOf(original);
    const source = await upload(t.url, alice.token, original);
    // Posted before the entry exists: a copy unlike any uploaded below, whose bytes are its own.
    const earlierCopy = await upload(
      t.url,
      alice.token,
      await sharp(original).resize(640).jpeg({ quality: 75 }).toBuffer(),
    );
    expect([source.status, earlierCopy.status]).toEqual(['ready', 'ready']);
    const posts = [(await post(t.url, alice.token, source.id)).body.result!.data.id];
    posts.push((await post(t.url, alice.token, earlierCopy.id)).body.result!.data.id);
    for (const id of posts) expect((await call(bob, 'posts.get', { id }, 'query')).status).toBe(200);

    // Only the accounts the server names may touch the list.
    for (const who of [alice, bob]) {
      const refused = await call(who, 'blocklist.add', { mediaId: source.id });
      expect(refused.body.error?.data.appCode).toBe('FORBIDDEN');
      expect((await call(who, 'blocklist.list', undefined, 'query')).body.error?.data.appCode).toBe('FORBIDDEN');
    }

    const added = await call<AddResult>(warden, 'blocklist.add', { mediaId: source.id, reason: 'test' });
    const result = added.body.result!.data;
    const stored = await t.server.db.kysely
      .selectFrom('media')
      .select('perceptual_hash')
      .where('id', '=', source.id)
      .executeTakeFirstOrThrow();
    expect(result).toMatchObject({ created: true, matchedMedia: 2, hiddenPosts: 2 });
    expect(result.entry).toMatchObject({
      hash: stored.perceptual_hash,
      reason: 'test',
      sourceMediaId: source.id,
      addedById: warden.id,
    });
    expect(result.entry.hash).toBe(await perceptualHashOfImage(original, limits));
    for (const id of posts) {
      expect((await call(bob, 'posts.get', { id }, 'query')).body.error?.data.appCode).toBe('NOT_FOUND');
    }
    // Ready media it matches can be neither posted again nor made an avatar.
    expect((await post(t.url, alice.token, source.id)).body.error?.data.appCode).toBe('MEDIA_BLOCKED');
    const avatar = await call(alice, 'accounts.setAvatar', { mediaId: earlierCopy.id });
    expect(avatar.body.error?.data.appCode).toBe('MEDIA_BLOCKED');

    const refused: string[] = [];
    for (const copy of copies) {
      const media = await upload(t.url, alice.token, copy.data, copy.contentType);
      expect({ copy: copy.name, status: media.status, code: media.failureCode }).toEqual({
        copy: copy.name,
        status: 'failed',
        code: 'MEDIA_BLOCKED',
      });
      // The uploader learns the rule family, never the entry.
      expect(media.failureReason).toBe(BLOCKED_MESSAGE);
      expect((await post(t.url, alice.token, media.id)).body.error?.data.appCode).toBe('MEDIA_NOT_READY');
      refused.push(media.id);
    }

    const other = await upload(t.url, alice.token, await scene(2));
    expect(other.status).toBe('ready');
    expect((await post(t.url, alice.token, other.id)).status).toBe(200);

    const refusals = await call<{ mediaId: string; ownerUsername: string; matchedHash: string; distance: number }[]>(
      warden,
      'blocklist.refusals',
      { limit: 50 },
      'query',
    );
    const rows = refusals.body.result!.data;
    expect(rows.map((r) => r.mediaId).sort()).toEqual([...refused].sort());
    for (const row of rows) {
      expect(row).toMatchObject({ ownerUsername: 'alice', matchedHash: result.entry.hash });
      expect(row.distance).toBeLessThanOrEqual(t.config.mediaSettings.blocklistDistance);
    }
    const listed = await call<{ hash: string }[]>(warden, 'blocklist.list', {}, 'query');
    expect(listed.body.result!.data.map((e) => e.hash)).toEqual([result.entry.hash]);

    // Added again: the entry stays as it was; nothing more to hide.
    const again = await call<AddResult>(warden, 'blocklist.add', { mediaId: source.id, reason: 'other' });
    expect(again.body.result!.data).toMatchObject({ created: false, hiddenPosts: 0, entry: { reason: 'test' } });

    const removed = await call<{ removed: boolean }>(warden, 'blocklist.remove', {
      hash: result.entry.hash.toUpperCase(),
    });
    expect(removed.body.result!.data).toEqual({ removed: true });
    expect(
      (await call<{ removed: boolean }>(warden, 'blocklist.remove', { hash: result.entry.hash })).body.result!.data,
    ).toEqual({ removed: false });
    const afterRemoval = await upload(t.url, alice.token, await sharp(original).jpeg({ quality: 70 }).toBuffer());
    expect(afterRemoval.status).toBe('ready');
    expect((await post(t.url, alice.token, source.id)).status).toBe(200);
  });

  it('refuses bad input to the procedures with clear codes', async () => {
    const cases: [string, unknown][] = [
      ['blocklist.add', { mediaId: '99999999999999999999' }],
      ['blocklist.add', { mediaId: '1', reason: 'x'.repeat(501) }],
      ['blocklist.remove', { hash: 'not-a-hash' }],
      ['blocklist.remove', { hash: '0123456789abcdef0' }],
    ];
    for (const [procedure, input] of cases) {
      expect((await call(warden, procedure, input)).body.error?.data.appCode, procedure).toBe('VALIDATION_FAILED');
    }
    expect((await call(warden, 'blocklist.add', { mediaId: '12345' })).body.error?.data.appCode).toBe('NOT_FOUND');
    const signedOut = await callTrpc(t.url, 'blocklist.list', { type: 'query' });
    expect(signedOut.body.error?.data.appCode).toBe('UNAUTHENTICATED');
  });

  it('refuses a video whose poster frame matches a blocked photo', async () => {
    const still = await sharp(await scene(3, { width: 320, height: 240 }))
      .png()
      .toBuffer();
    const photo = await upload(t.url, alice.token, still, 'image/png');
    expect(photo.status).toBe('ready');
    expect((await call<AddResult>(warden, 'blocklist.add', { mediaId: photo.id })).body.result!.data.created).toBe(
      true,
    );

    const stillFile = path.join(work, 'still.png');
    const videoFile = path.join(work, 'still.mp4');
    await writeFile(stillFile, still);
    await promisify(execFile)(ffmpeg, [
      ...['-v', 'error', '-nostdin', '-y', '-loop', '1', '-i', stillFile, '-t', '1', '-r', '10'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-threads', '1', videoFile],
    ]);
    const video = await upload(t.url, alice.token, await readFile(videoFile), 'video/mp4');
    expect(video).toMatchObject({ status: 'failed', failureCode: 'MEDIA_BLOCKED', failureReason: BLOCKED_MESSAGE });
    const refusal = await t.server.db.kysely
      .selectFrom('media_blocklist_refusals')
      .selectAll()
      .where('media_id', '=', video.id)
      .executeTakeFirst();
    expect(refusal?.matched_hash).toBe(await perceptualHashOfImage(still, limits));
  });

  it('honours APERTURE_MEDIA_BLOCKLIST_DISTANCE', async () => {
    const strict = await startTestServer({
      dialect,
      env: { APERTURE_MEDIA_BLOCKLIST_DISTANCE: '0' },
    });
    try {
      const owner = await signUp(strict.url, 'owner');
      const original = await scene(4);
      const copies = await copiesOf(original);
      const png = copies.find((c) => c.name === 'converted to PNG')!;
      const crop = copies.find((c) => c.name === 'cropped 2 % off two edges')!;
      const hash = (await perceptualHashOfImage(original, limits))!;
      // What the two copies are, measured the way the server measures: the same hash, and a near one.
      expect(await perceptualHashOfImage(png.data, limits)).toBe(hash);
      const cropDistance = hammingDistance(hash, (await perceptualHashOfImage(crop.data, limits))!);
      expect(cropDistance).toBeGreaterThan(0);
      expect(cropDistance).toBeLessThanOrEqual(t.config.mediaSettings.blocklistDistance);

      const source = await upload(strict.url, owner.token, original);
      await callTrpc(strict.url, 'blocklist.add', { token: owner.token, input: { mediaId: source.id } });
      expect(await upload(strict.url, owner.token, png.data, png.contentType)).toMatchObject({
        status: 'failed',
        failureCode: 'MEDIA_BLOCKED',
      });
      expect((await upload(strict.url, owner.token, crop.data)).status).toBe('ready');
      // The same crop on the server with the default distance is refused.
      const source2 = await upload(t.url, bob.token, original);
      await call(warden, 'blocklist.add', { mediaId: source2.id });
      expect((await upload(t.url, bob.token, crop.data)).failureCode).toBe('MEDIA_BLOCKED');
    } finally {
      await strict.stop();
    }
  });
});
