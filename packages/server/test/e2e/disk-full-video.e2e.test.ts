import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { createServer, loadConfig, type ApertureServer } from '../../src/index.js';
import type { DatabaseConfig } from '../../src/db/connect.js';
import { largeNoiseMp4, removeVideoFixtures } from '../fixtures/videos.js';
import { DIALECTS } from '../support/databases.js';
import { putTo, sha256, waitForMedia, type Target } from '../support/media.js';
import { callTrpc } from '../support/server.js';
import { openSmallVolume, volumeBanner, type SmallVolume } from '../support/small-volume.js';
import { registerUser } from '../support/users.js';

const MiB = 1024 * 1024;
/** Above half the video's size: its copy fits on the volume, and only the floor stands in the way. */
const FLOOR_MIB = 8;
const SECRET = 'disk-full-video-secret-0123456789abcdef';

/**
 * `completeUpload` of a video copies it to the scratch folder to probe it. That copy keeps to the
 * free-space floor like every other write: here the scratch folder and the disk store share a small
 * volume with room for the kept original above the floor, but not for the probe's copy as well.
 */
describe.each(DIALECTS)('a video completed on a nearly full scratch volume ($name)', (dialect) => {
  let volume: SmallVolume | undefined;
  let server: ApertureServer | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let url: string;
  let token: string;
  let scratch: string;

  beforeAll(async () => {
    volume = await openSmallVolume(48 * MiB);
    console.log(volumeBanner(volume, `disk-full video e2e on ${dialect.name}`));
    scratch = path.join(volume.dir, 'video-scratch');
    const config = loadConfig({
      APERTURE_DATA_DIR: volume.dir,
      APERTURE_PORT: '0',
      APERTURE_LOG_LEVEL: 'silent',
      APERTURE_MIN_FREE_MB: String(FLOOR_MIB),
      APERTURE_SECRET: SECRET,
      APERTURE_VIDEO_TEMP_DIR: scratch,
    });
    let database: DatabaseConfig = config.database;
    if (dialect.name === 'postgres') {
      const created = await dialect.create({ migrate: false });
      database = created.config;
      dropDatabase = () => created.cleanup();
    }
    const started = await createServer(
      { ...config, database },
      volume.serverOptions({ secret: SECRET, publicUrl: () => started.url }),
    );
    server = started;
    url = await started.start();
    token = await registerUser(url, 'longshot');
  });
  afterAll(async () => {
    try {
      await server?.stop();
    } finally {
      try {
        await dropDatabase?.();
      } finally {
        await volume?.cleanup();
        await removeVideoFixtures();
      }
    }
  });

  it('answers STORAGE_FULL before copying, keeps the upload pending, and completes once space is back', async () => {
    const video = await readFile(await largeNoiseMp4());
    expect(video.length).toBeGreaterThan(2 * MiB);
    expect(video.length).toBeLessThan(2 * FLOOR_MIB * MiB);
    const created = (
      await callTrpc<{ uploadId: string; mediaId: string; target: Target }>(url, 'media.createUpload', {
        token,
        input: { size: video.length, contentType: 'video/mp4', sha256: sha256(video) },
      })
    ).body.result!.data;
    await putTo(created.target, video);
    // Room for the kept original above the floor, with half the video to spare: not for the probe's
    // copy too. Without the check, that copy would fit on the volume, taking it below the floor.
    await volume!.leaveFree(FLOOR_MIB * MiB + video.length * 1.5);
    const complete = () =>
      callTrpc<{ id: string; status: string }>(url, 'media.completeUpload', {
        token,
        input: { uploadId: created.uploadId },
      });

    const refused = await complete();
    expect(refused.status).toBe(507);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.body.error?.data).toMatchObject({ appCode: 'STORAGE_FULL', retryAfter: 60 });
    // Refused before a byte was copied: the scratch folder holds nothing.
    expect(await readdir(scratch).catch(() => [])).toEqual([]);
    expect(await volume!.freeBytes()).toBeGreaterThan(FLOOR_MIB * MiB);
    const status = await callTrpc<{ status: string }>(url, 'media.uploadStatus', {
      type: 'query',
      token,
      input: { uploadId: created.uploadId },
    });
    expect(status.body.result?.data.status).toBe('pending');

    await volume!.release();
    const completed = await complete();
    expect(completed.status).toBe(200);
    expect(await waitForMedia(url, token, created.mediaId)).toMatchObject({ status: 'ready', kind: 'video' });
    expect(await readdir(scratch)).toEqual([]);
  });
});
