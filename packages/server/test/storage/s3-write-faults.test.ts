import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toAppError } from '../../src/errors/map-error.js';
import { BlobStoreUnavailableError } from '../../src/storage/errors.js';
import { S3BlobStore } from '../../src/storage/s3/s3-blob-store.js';
import { S3RVER_CREDENTIALS, S3RVER_REGION, startS3rver, type S3rverHarness } from '../support/s3rver.js';

const MiB = 1024 * 1024;

/** A stream of `size` bytes in 64 KiB chunks that notes whether it was destroyed. */
function source(size: number): Readable & { bytes: Buffer } {
  const bytes = randomBytes(size);
  const chunks = Array.from({ length: Math.ceil(size / (64 * 1024)) }, (_, i) =>
    bytes.subarray(i * 64 * 1024, (i + 1) * 64 * 1024),
  );
  return Object.assign(Readable.from(chunks, { objectMode: false }), { bytes });
}

describe('S3 writes cut off mid-body (s3rver over HTTP, connection cut by the harness)', () => {
  let s3: S3rverHarness;
  let store: S3BlobStore;

  beforeAll(async () => {
    s3 = await startS3rver();
    store = new S3BlobStore({
      bucket: s3.bucket,
      region: S3RVER_REGION,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
  });
  afterEach(() => s3.cutPuts(undefined));
  afterAll(async () => {
    await store?.close();
    await s3?.stop();
  });

  it('a single PutObject cut mid-body: UNAVAILABLE, nothing stored, and the next put works', async () => {
    s3.cutPuts({ keyPrefix: 'cut/single', afterBytes: 100 * 1024 });
    const body = source(1 * MiB);
    const error = await store.put('cut/single', body).catch((e: unknown) => e);
    expect(toAppError(error)).toMatchObject({ code: 'UNAVAILABLE', status: 503, retryAfter: 2 });
    expect(error).toBeInstanceOf(BlobStoreUnavailableError);
    expect(s3.cuts).toBeGreaterThanOrEqual(1);
    expect(await store.head('cut/single')).toBeNull();

    s3.cutPuts(undefined);
    const again = source(1 * MiB);
    expect((await store.put('cut/single', again)).size).toBe(1 * MiB);
  });

  it('a streamed multipart put cut in its second part: aborted, nothing stored, the source released', async () => {
    s3.cutPuts({ keyPrefix: 'cut/multi', afterBytes: 1 * MiB, partNumber: 2 });
    const body = source(20 * MiB);
    const error = await store.put('cut/multi', body).catch((e: unknown) => e);
    expect(toAppError(error).code).toBe('UNAVAILABLE');
    expect(error).toBeInstanceOf(BlobStoreUnavailableError);
    expect(await store.head('cut/multi')).toBeNull();
    expect(await s3.openMultipartUploads()).toBe(0);
    // The rest of the source is not left paused mid-stream holding what feeds it.
    expect(body.destroyed).toBe(true);
  });
});
