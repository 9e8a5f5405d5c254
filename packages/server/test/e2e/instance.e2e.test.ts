import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp } from '../support/users.js';

interface InstanceInfo {
  limits: {
    photosPerPost: number;
    uploadBytes: number;
    videoBytes: number;
    videoSeconds: number;
    captionLength: number;
    commentLength: number;
  };
  trending: { minAuthors: number; windowHours: number };
}

/** `instance.info` publishes the limits the server enforces: a client that checks them first is never surprised. */
describe.each(DIALECTS)('instance.info on $name', (dialect) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({
      dialect,
      env: { APERTURE_MAX_UPLOAD_MB: '2', APERTURE_MAX_VIDEO_MB: '3', APERTURE_MAX_VIDEO_SECONDS: '60' },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers anyone with the limits it enforces', async () => {
    const answer = await callTrpc<InstanceInfo>(t.url, 'instance.info', { type: 'query' });
    expect(answer.status).toBe(200);
    const info = answer.body.result!.data;
    expect(info).toEqual({
      limits: {
        photosPerPost: 10,
        uploadBytes: 2 * 1024 * 1024,
        videoBytes: 3 * 1024 * 1024,
        videoSeconds: 60,
        captionLength: 2_200,
        commentLength: 1_000,
      },
      trending: { minAuthors: 5, windowHours: 6 },
    });

    const ada = await signUp(t.url, 'instance_ada');
    const photos = await Promise.all(
      Array.from({ length: info.limits.photosPerPost + 1 }, () => insertReadyMedia(t.server.db.kysely, ada.id)),
    );
    const create = (mediaIds: string[], caption = '') =>
      callTrpc<{ id: string }>(t.url, 'posts.create', { token: ada.token, input: { mediaIds, caption } });
    expect((await create(photos.slice(0, info.limits.photosPerPost))).status).toBe(200);
    expect((await create(photos)).body.error?.data.appCode).toBe('VALIDATION_FAILED');
    expect((await create(photos.slice(0, 1), 'x'.repeat(info.limits.captionLength + 1))).status).toBe(400);

    const upload = (size: number, contentType = 'image/jpeg') =>
      callTrpc(t.url, 'media.createUpload', {
        token: ada.token,
        input: { size, contentType, sha256: 'a'.repeat(64) },
      });
    expect((await upload(info.limits.uploadBytes)).status).toBe(200);
    expect((await upload(info.limits.uploadBytes + 1)).body.error?.data.appCode).toBe('FILE_TOO_LARGE');
    expect((await upload(info.limits.videoBytes, 'video/mp4')).status).toBe(200);
    expect((await upload(info.limits.videoBytes + 1, 'video/mp4')).body.error?.data.appCode).toBe('FILE_TOO_LARGE');
  });
});
