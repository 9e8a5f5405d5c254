import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startS3rver, type S3rverHarness } from '../support/s3rver.js';

/**
 * The test double must behave as S3 where Aperture's tests depend on it: a PUT whose client went
 * away mid-body (a process killed while uploading) stores nothing and holds nothing up, so the next
 * PUT of the same key completes. (Unsigned requests: s3rver accepts them.)
 */
describe('the s3rver harness', () => {
  let s3: S3rverHarness;
  beforeEach(async () => {
    s3 = await startS3rver();
  });
  afterEach(async () => {
    await s3.stop();
  });

  /** Sends a PUT of `size` bytes but only `sent` of them, then cuts the connection. */
  function abandonedPut(path: string, size: number, sent: number): Promise<void> {
    return new Promise((resolve) => {
      const req = request(`${s3.endpoint}${path}`, { method: 'PUT', headers: { 'content-length': size } });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(sent, 1), () => setTimeout(() => (req.destroy(), resolve()), 100));
    });
  }

  it('a PUT cut mid-body does not hold up the next PUT of the same key', async () => {
    const path = `/${s3.bucket}/media/ab/cd/1/w320.webp`;
    await abandonedPut(path, 100_000, 10_000);
    const response = await fetch(`${s3.endpoint}${path}`, {
      method: 'PUT',
      body: Buffer.alloc(2_000, 2),
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
    const stored = Buffer.from(await (await fetch(`${s3.endpoint}${path}`)).arrayBuffer());
    expect(stored.equals(Buffer.alloc(2_000, 2))).toBe(true);
  });
});
