import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivativeKey } from '../../src/modules/media/keys.js';
import { BAD_FILES, photo, readQuadrants, UPRIGHT } from '../fixtures/images.js';
import { sqliteDialect } from '../support/databases.js';
import { putTo, sha256, waitForMedia, type Target } from '../support/media.js';
import { registerUser } from '../support/users.js';
import { callTrpc, manualClock, startTestServer, type TestServer } from '../support/server.js';

interface Created {
  uploadId: string;
  mediaId: string;
  target: Target;
}

describe('media processing through the real server', () => {
  const clock = manualClock();
  let t: TestServer;
  let token: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect: sqliteDialect, clock });
    token = await registerUser(t.url, 'processor');
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function upload(data: Buffer, extra: Record<string, unknown> = {}) {
    const created = await callTrpc<Created>(t.url, 'media.createUpload', {
      token,
      // Clients may lie about the type: the server decides from the bytes.
      input: { size: data.length, contentType: 'image/jpeg', sha256: sha256(data), ...extra },
    });
    if (!created.body.result) return { created, completed: undefined };
    await putTo(created.body.result.data.target, data);
    const completed = await callTrpc<{ id: string }>(t.url, 'media.completeUpload', {
      token,
      input: { uploadId: created.body.result.data.uploadId },
    });
    return { created, completed };
  }

  it.each(BAD_FILES)('rejects $name with $code and stays up', async ({ make, code }) => {
    const { created, completed } = await upload(await make());
    let failedWith: unknown;
    if (!completed) failedWith = created.body.error?.data.appCode;
    else if (completed.body.error) failedWith = completed.body.error.data.appCode;
    else {
      const media = await waitForMedia(t.url, token, completed.body.result!.data.id);
      expect(media.status).toBe('failed');
      failedWith = media.failureCode;
    }
    expect(failedWith).toBe(code);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('keeps camera facts in the database, GPS only when asked, and neither in any served file', async () => {
    const exif = { make: 'Fujifilm', model: 'X100V', iso: 400, focalLength: 23, takenAt: '2026-05-04T10:11:12' };
    const gps = { lat: 48.8584, lng: 2.2945 };
    const withLocation = await upload(await photo({ width: 900, height: 600, orientation: 6, gps, exif }), {
      keepLocation: true,
    });
    const kept = await waitForMedia(t.url, token, withLocation.completed!.body.result!.data.id);
    expect(kept).toMatchObject({ status: 'ready', width: 900, height: 600 });
    expect(kept.exif).toMatchObject({ make: 'Fujifilm', model: 'X100V', iso: 400, focalLength: 23 });
    const location = kept.location as { lat: number; lng: number };
    expect(location.lat).toBeCloseTo(gps.lat, 3);
    expect(location.lng).toBeCloseTo(gps.lng, 3);

    const without = await upload(
      await photo({ width: 900, height: 600, orientation: 6, gps, exif: { make: 'Leica' } }),
    );
    const dropped = await waitForMedia(t.url, token, without.completed!.body.result!.data.id);
    expect(dropped.location).toBeNull();
    const row = await t.server.db.kysely
      .selectFrom('media')
      .selectAll()
      .where('id', '=', dropped.id as string)
      .executeTakeFirstOrThrow();
    expect([row.gps_lat, row.gps_lng]).toEqual([null, null]);

    for (const urls of Object.values(kept.urls as Record<string, { webp: string; jpg: string }>)) {
      for (const url of [urls.webp, urls.jpg]) {
        const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
        const meta = await sharp(bytes).metadata();
        expect(meta.exif).toBeUndefined();
        expect(meta.xmp).toBeUndefined();
        expect(bytes.includes(Buffer.from('Fujifilm'))).toBe(false);
      }
    }
    // Orientation 6 was applied: the served picture is upright.
    const w640 = Buffer.from(
      await (await fetch((kept.urls as Record<string, { jpg: string }>).w640!.jpg)).arrayBuffer(),
    );
    expect(await readQuadrants(w640)).toEqual(UPRIGHT);
  });

  it('retries an image whose worker died mid-processing, once the lease lapses', async () => {
    const image = await photo({ width: 500, height: 400 });
    const created = await callTrpc<Created>(t.url, 'media.createUpload', {
      token,
      input: { size: image.length, contentType: 'image/jpeg', sha256: sha256(image) },
    });
    const { uploadId, mediaId, target } = created.body.result!.data;
    await putTo(target, image);
    // Simulate a worker that claimed the image and died: the lease is held, nothing was written.
    const stopAt = clock.now().getTime() + 60_000;
    await t.server.background.mediaProcessor.stop();
    await callTrpc(t.url, 'media.completeUpload', { token, input: { uploadId } });
    await t.server.db.kysely
      .updateTable('media')
      .set({ claimed_until: new Date(stopAt).toISOString(), attempts: 1 })
      .where('id', '=', mediaId)
      .execute();
    expect(await t.server.background.mediaProcessor.processNext()).toBe(false);
    clock.advance(120_000);
    expect(await t.server.background.mediaProcessor.processNext()).toBe(true);
    const row = await t.server.db.kysely
      .selectFrom('media')
      .selectAll()
      .where('id', '=', mediaId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'ready', attempts: 2, claimed_until: null });
    t.server.background.mediaProcessor.start();
  });

  it('rebuilds derivatives on request while the old ones keep serving', async () => {
    const image = await photo({ width: 700, height: 500 });
    const { completed } = await upload(image);
    const mediaId = completed!.body.result!.data.id;
    await waitForMedia(t.url, token, mediaId);
    const key = derivativeKey(mediaId, 'w320', 'webp');
    await t.server.blobs.delete(key);
    await t.server.db.kysely
      .updateTable('media')
      .set({ reprocess_requested_at: clock.now().toISOString() })
      .where('id', '=', mediaId)
      .execute();
    t.server.background.mediaProcessor.kick();
    const readRow = () =>
      t.server.db.kysely.selectFrom('media').selectAll().where('id', '=', mediaId).executeTakeFirstOrThrow();
    // The processor writes the derivatives first and then clears the request: wait for both.
    for (
      let i = 0;
      i < 100 && ((await t.server.blobs.head(key)) === null || (await readRow()).reprocess_requested_at !== null);
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await t.server.blobs.head(key)).not.toBeNull();
    expect(await readRow()).toMatchObject({ status: 'ready', reprocess_requested_at: null });
  });

  it('collects media nobody attached after the grace period, but keeps avatars', async () => {
    const kept = await upload(await photo({ width: 320, height: 320 }));
    const keptId = kept.completed!.body.result!.data.id;
    const dropped = await upload(await photo({ width: 330, height: 320 }));
    const droppedId = dropped.completed!.body.result!.data.id;
    await waitForMedia(t.url, token, keptId);
    await waitForMedia(t.url, token, droppedId);
    await callTrpc(t.url, 'accounts.setAvatar', { token, input: { mediaId: keptId } });
    clock.advance(25 * 3_600_000);
    const swept = await t.server.background.mediaSweeper.sweep();
    expect(swept.collectedMedia).toBeGreaterThanOrEqual(1);
    expect((await callTrpc(t.url, 'media.get', { type: 'query', token, input: { id: droppedId } })).status).toBe(404);
    expect(await t.server.blobs.head(derivativeKey(droppedId, 'thumb', 'webp'))).toBeNull();
    expect((await callTrpc(t.url, 'media.get', { type: 'query', token, input: { id: keptId } })).status).toBe(200);
  });
});
