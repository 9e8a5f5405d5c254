import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, loadConfig, type ApertureServer } from '../../src/index.js';
import { DIALECTS } from '../support/databases.js';
import { noisePng, putTo, sha256, type Target } from '../support/media.js';
import { callTrpc, manualClock } from '../support/server.js';
import { openSmallVolume, volumeBanner, type SmallVolume } from '../support/small-volume.js';
import { registerUser } from '../support/users.js';

const SECRET = 'disk-full-processing-secret-0123456789';
const dialect = DIALECTS.at(-1)!;

describe(`processing accepted photos while the media disk is full (${dialect.name})`, () => {
  const clock = manualClock();
  let volume: SmallVolume | undefined;
  let server: ApertureServer | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let url: string;
  let token: string;

  beforeAll(async () => {
    volume = await openSmallVolume(32 * 1024 * 1024);
    console.log(volumeBanner(volume, 'disk-full processing e2e'));
    // Only the media are on the small volume: the database must record each attempt.
    const database = await dialect.create({ migrate: false });
    dropDatabase = () => database.cleanup();
    const config = loadConfig({
      APERTURE_DATA_DIR: volume.dir,
      APERTURE_PORT: '0',
      APERTURE_LOG_LEVEL: 'silent',
      APERTURE_MIN_FREE_MB: '1',
      APERTURE_SECRET: SECRET,
    });
    const started = await createServer(
      { ...config, database: database.config },
      // The test runs the processor itself, one item at a time, on a clock it moves.
      { clock, backgroundWork: false, ...volume.serverOptions({ secret: SECRET, publicUrl: () => started.url }) },
    );
    server = started;
    url = await started.start();
    token = await registerUser(url, 'patient');
  });
  afterAll(async () => {
    try {
      await server?.stop();
    } finally {
      try {
        await dropDatabase?.();
      } finally {
        await volume?.cleanup();
      }
    }
  });

  it('keeps an accepted photo processing through the outage, spending no attempt, and makes it ready after', async () => {
    const image = await noisePng(2);
    const created = (
      await callTrpc<{ uploadId: string; mediaId: string; target: Target }>(url, 'media.createUpload', {
        token,
        input: { size: image.length, contentType: 'image/png', sha256: sha256(image) },
      })
    ).body.result!.data;
    await putTo(created.target, image);
    const completed = await callTrpc<{ status: string }>(url, 'media.completeUpload', {
      token,
      input: { uploadId: created.uploadId },
    });
    expect(completed.body.result?.data.status).toBe('processing');

    const processor = server!.background.mediaProcessor;
    const row = () =>
      server!.db.kysely
        .selectFrom('media')
        .select(['status', 'attempts'])
        .where('id', '=', created.mediaId)
        .executeTakeFirstOrThrow();
    await volume!.leaveFree(16 * 1024);
    // More tries than the 3 attempts an image gets: the full disk must not use them up.
    for (let i = 0; i < 5; i++) {
      expect(await processor.processNext()).toBe(true);
      expect(await row()).toEqual({ status: 'processing', attempts: 0 });
      // Not tried again before the outage delay...
      expect(await processor.processNext()).toBe(false);
      clock.advance(31_000);
    }

    await volume!.release();
    expect(await processor.processNext()).toBe(true);
    expect(await row()).toEqual({ status: 'ready', attempts: 1 });
    const served = await fetch(`${url}/media/${created.mediaId}/w320.webp`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(served.status).toBe(200);
    expect(await sharp(Buffer.from(await served.arrayBuffer())).metadata()).toMatchObject({
      format: 'webp',
      width: 320,
    });
  });
});
