import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivativeKey, originalKey, stagingKey } from '../../src/modules/media/keys.js';
import { LOST_BEFORE_PROCESSING } from '../../src/modules/media/missing-blobs.js';
import { checkStorage } from '../../src/modules/media/storage-check.js';
import { photo } from '../fixtures/images.js';
import { DIALECTS, sqliteDialect } from '../support/databases.js';
import { putTo, sha256, waitForMedia, type Target } from '../support/media.js';
import { callTrpc, manualClock, startTestServer, type TestServer } from '../support/server.js';
import { registerUser } from '../support/users.js';

// Both storage pairs: disk + SQLite, and S3 + Postgres (S3 + SQLite when no Postgres is configured).
const PAIRS = [
  { name: 'disk + sqlite', dialect: sqliteDialect, media: 'disk' as const },
  { name: `s3 + ${DIALECTS.at(-1)!.name}`, dialect: DIALECTS.at(-1)!, media: 's3' as const },
];

const HOUR = 3_600_000;

describe.each(PAIRS)('crash leftovers and missing blobs on $name', ({ dialect, media }) => {
  const clock = manualClock();
  let t: TestServer;
  let token: string;
  let width = 300;

  beforeAll(async () => {
    t = await startTestServer({ dialect, media, clock });
    token = await registerUser(t.url, 'leftovers');
  });
  afterAll(async () => {
    await t?.stop();
  });

  const deps = () => ({ db: t.server.db, blobs: t.server.blobs, clock });
  const row = (id: string) =>
    t.server.db.kysely.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();

  /** Create an upload and send its bytes; completing it is up to the test. */
  async function staged(): Promise<{ uploadId: string; mediaId: string; image: Buffer }> {
    const image = await photo({ width: width++, height: 200 });
    const created = await callTrpc<{ uploadId: string; mediaId: string; target: Target }>(t.url, 'media.createUpload', {
      token,
      input: { size: image.length, contentType: 'image/jpeg', sha256: sha256(image) },
    });
    const { uploadId, mediaId, target } = created.body.result!.data;
    await putTo(target, image);
    return { uploadId, mediaId, image };
  }

  async function ready(): Promise<string> {
    const { uploadId, mediaId } = await staged();
    await callTrpc(t.url, 'media.completeUpload', { token, input: { uploadId } });
    expect((await waitForMedia(t.url, token, mediaId)).status).toBe('ready');
    return mediaId;
  }

  it('a sweep removes what a crash leaves, once older than the grace period, and nothing else', async () => {
    const keep = await ready();
    // An avatar, so the collector of unattached media keeps it a day from now.
    await callTrpc(t.url, 'accounts.setAvatar', { token, input: { mediaId: keep } });
    // A crash between keeping an original and queueing it: the original of a media row stuck in `pending`.
    const stuck = await staged();
    await t.server.blobs.put(originalKey(stuck.mediaId), stuck.image);
    // A crash between deleting a media row and its blobs; a staged upload whose row is gone.
    const gone = '900000000000000123';
    await t.server.blobs.put(originalKey(gone), Buffer.from('original'));
    await t.server.blobs.put(derivativeKey(gone, 'thumb', 'webp'), Buffer.from('thumb'));
    await t.server.blobs.put(derivativeKey(keep, 'w999', 'webp'), Buffer.from('a width never recorded'));
    await t.server.blobs.put(stagingKey('900000000000000456'), Buffer.from('staged'));
    // A crash in the middle of a streamed put (S3) or before the upload row was written.
    const open = await t.server.blobs.createMultipart(originalKey('900000000000000789'));
    // A crash between writing a temp file and renaming it into place.
    let tempDir: string | undefined;
    if (media === 'disk' && t.config.media.kind === 'disk') {
      tempDir = path.join(t.config.media.root, '~tmp');
      await mkdir(tempDir, { recursive: true });
      await writeFile(path.join(tempDir, 'left-by-a-crash.tmp'), 'half a photo');
    }

    // Young leftovers may be writes in flight: reported, left alone, not problems.
    const early = await checkStorage(deps(), { graceMinutes: 60, repair: true });
    expect(early.problems).toBe(0);
    expect(early.orphans.originals).toEqual({ stale: 0, young: 1, removed: 0 });
    expect(early.orphans.derivatives).toEqual({ stale: 0, young: 2, removed: 0 });
    expect(early.orphans.staging).toEqual({ stale: 0, young: 1, removed: 0 });
    expect(early.orphans.multipartUploads).toEqual({ stale: 0, young: 1, removed: 0 });
    expect(early.orphans.scratch.young).toBe(media === 'disk' ? 1 : 0);

    clock.advance(25 * HOUR);
    const swept = await t.server.background.mediaSweeper.sweep();
    expect(swept.abandonedUploads).toBeGreaterThanOrEqual(1);
    expect(swept.orphanBlobs).toBe(4);
    expect(swept.leftovers).toBe(media === 'disk' ? 2 : 1);
    expect(await row(stuck.mediaId)).toBeUndefined();
    for (const key of [
      originalKey(stuck.mediaId),
      originalKey(gone),
      derivativeKey(gone, 'thumb', 'webp'),
      derivativeKey(keep, 'w999', 'webp'),
      stagingKey('900000000000000456'),
    ]) {
      expect(await t.server.blobs.head(key), key).toBeNull();
    }
    const openUploads = [];
    for await (const upload of t.server.blobs.listMultipartUploads()) openUploads.push(upload.uploadId);
    expect(openUploads).not.toContain(open.uploadId);
    if (tempDir) expect(await readdir(tempDir)).toEqual([]);
    // What belongs to rows is untouched, and both directions are clean.
    expect(await t.server.blobs.head(derivativeKey(keep, 'thumb', 'webp'))).not.toBeNull();
    expect(await t.server.blobs.head(originalKey(keep))).not.toBeNull();
    const after = await checkStorage(deps(), { graceMinutes: 60, repair: false });
    expect(after).toMatchObject({ problems: 0, missing: [], foreignKeys: 0 });
  });

  it('verify finds rows whose blobs are missing and repairs what it can', async () => {
    const rebuildable = await ready();
    const lostOriginal = await ready();
    await t.server.blobs.delete(derivativeKey(rebuildable, 'w320', 'webp'));
    await t.server.blobs.delete(originalKey(lostOriginal));
    // A processing item whose original is gone: no worker could ever finish it.
    await t.server.background.mediaProcessor.stop();
    const orphaned = await staged();
    await callTrpc(t.url, 'media.completeUpload', { token, input: { uploadId: orphaned.uploadId } });
    await t.server.blobs.delete(originalKey(orphaned.mediaId));

    const found = await checkStorage(deps(), { graceMinutes: 60, repair: false });
    const byId = new Map(found.missing.map((m) => [m.mediaId, m]));
    expect(byId.get(rebuildable)).toEqual({
      mediaId: rebuildable,
      status: 'ready',
      missing: [derivativeKey(rebuildable, 'w320', 'webp')],
      repair: 'reprocess',
      repaired: false,
    });
    expect(byId.get(lostOriginal)).toMatchObject({ missing: [originalKey(lostOriginal)], repair: 'none' });
    expect(byId.get(orphaned.mediaId)).toMatchObject({ status: 'processing', repair: 'mark-failed' });
    expect(found.problems).toBe(3);

    const repaired = await checkStorage(deps(), { graceMinutes: 60, repair: true });
    // The lost original cannot be rebuilt, and its photo still shows: that one remains.
    expect(repaired.problems).toBe(1);
    expect(await row(orphaned.mediaId)).toMatchObject({
      status: 'failed',
      failure_code: 'INTERNAL',
      failure_reason: LOST_BEFORE_PROCESSING,
    });
    expect((await row(rebuildable))?.reprocess_requested_at).not.toBeNull();
    t.server.background.mediaProcessor.start();
    await expect.poll(async () => (await row(rebuildable))?.reprocess_requested_at, { timeout: 20_000 }).toBeNull();
    expect(await t.server.blobs.head(derivativeKey(rebuildable, 'w320', 'webp'))).not.toBeNull();
    const last = await checkStorage(deps(), { graceMinutes: 60, repair: false });
    expect(last.missing.map((m) => m.mediaId)).toEqual([lostOriginal]);
  });
});
