import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { ACCEPTED_FORMATS, sniffImageFormat } from './pipeline/index.js';

const HEAD_BYTES = 64;

/**
 * Checks what actually reached the blob store — never the client's word, and never the store's
 * (s3rver, and some S3-compatible stores, check neither size nor checksum): exact size, SHA-256 of
 * the stored bytes, and magic bytes of an accepted image format. Throws the matching AppError.
 */
export async function verifyStoredUpload(
  blobs: BlobStore,
  key: string,
  expected: { size: number; sha256: string },
): Promise<void> {
  const head = await blobs.head(key);
  if (!head) throw new AppError('UPLOAD_INCOMPLETE', 'Nothing was uploaded yet; send the file, then complete.');
  if (head.size !== expected.size) {
    throw new AppError('UPLOAD_SIZE_MISMATCH', `Expected ${expected.size} bytes, received ${head.size}.`);
  }
  const { body } = await blobs.get(key);
  const hash = createHash('sha256');
  const first: Buffer[] = [];
  let firstLength = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (firstLength < HEAD_BYTES) {
      first.push(chunk);
      firstLength += chunk.length;
    }
  }
  if (hash.digest('hex') !== expected.sha256) throw new AppError('UPLOAD_HASH_MISMATCH');
  const format = sniffImageFormat(Buffer.concat(first).subarray(0, HEAD_BYTES));
  if (format === null || !(ACCEPTED_FORMATS as readonly string[]).includes(format)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  }
}
