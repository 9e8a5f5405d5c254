import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originalKey, stagingKey } from '../../src/modules/media/keys.js';
import { photo } from '../fixtures/images.js';
import { DIALECTS } from '../support/databases.js';
import { putTo, sha256, waitForMedia, type Target } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { registerUser } from '../support/users.js';

describe(`completing an upload while S3 fails mid-copy (s3rver over HTTP, ${DIALECTS.at(-1)!.name})`, () => {
  let t: TestServer;
  let token: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect: DIALECTS.at(-1)!, media: 's3' });
    token = await registerUser(t.url, 's3faults');
  });
  afterAll(async () => {
    t?.s3?.cutPuts(undefined);
    await t?.stop();
  });

  it('answers UNAVAILABLE (503, Retry-After), keeps nothing half-written, and completes once S3 is back', async () => {
    const image = await photo({ width: 1200, height: 800, texture: true });
    const created = (
      await callTrpc<{ uploadId: string; mediaId: string; target: Target }>(t.url, 'media.createUpload', {
        token,
        input: { size: image.length, contentType: 'image/jpeg', sha256: sha256(image) },
      })
    ).body.result!.data;
    await putTo(created.target, image);

    // Every PUT of the kept original (the SDK's retries included) is cut a few KiB in.
    t.s3!.cutPuts({ keyPrefix: 'originals/', afterBytes: 4 * 1024 });
    const complete = () =>
      callTrpc<{ id: string; status: string }>(t.url, 'media.completeUpload', {
        token,
        input: { uploadId: created.uploadId },
      });
    const failed = await complete();
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('2');
    expect(failed.body.error?.data).toMatchObject({ appCode: 'UNAVAILABLE', httpStatus: 503, retryAfter: 2 });
    expect(t.s3!.cuts).toBeGreaterThanOrEqual(1);

    // Nothing half-written: no original; the staged bytes and the pending upload wait for a retry.
    expect(await t.server.blobs.head(originalKey(created.mediaId))).toBeNull();
    expect((await t.server.blobs.head(stagingKey(created.uploadId)))?.size).toBe(image.length);
    const status = await callTrpc<{ status: string }>(t.url, 'media.uploadStatus', {
      type: 'query',
      token,
      input: { uploadId: created.uploadId },
    });
    expect(status.body.result?.data.status).toBe('pending');
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

    t.s3!.cutPuts(undefined);
    const completed = await complete();
    expect(completed.status).toBe(200);
    expect((await waitForMedia(t.url, token, created.mediaId)).status).toBe('ready');
    const kept = await t.server.blobs.get(originalKey(created.mediaId));
    expect(sha256(await buffer(kept.body))).toBe(sha256(image));
  });
});
