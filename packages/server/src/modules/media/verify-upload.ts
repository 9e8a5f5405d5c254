import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { AppError } from '../../errors/app-error.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { ACCEPTED_FORMATS, sniffImageFormat } from './pipeline/index.js';

const HEAD_BYTES = 64;

/**
 * Checks what actually reached the blob store — never the client's word, and never the store's
 * (s3rver, and some S3-compatible stores, check neither size nor checksum): exact size, SHA-256 of
 * the stored bytes, and magic bytes of an accepted image format. The bytes are copied to
 * `finalKey` in the same pass, so the kept original is exactly what was hashed, even if the client
 * PUTs again to its still-valid URL afterwards. On any mismatch nothing is kept and the matching
 * AppError is thrown.
 */
export async function verifyAndKeep(
  blobs: BlobStore,
  stagedKey: string,
  finalKey: string,
  expected: { size: number; sha256: string },
): Promise<void> {
  const head = await blobs.head(stagedKey);
  if (!head) throw new AppError('UPLOAD_INCOMPLETE', 'Nothing was uploaded yet; send the file, then complete.');
  if (head.size !== expected.size) {
    throw new AppError('UPLOAD_SIZE_MISMATCH', `Expected ${expected.size} bytes, received ${head.size}.`);
  }
  const { body } = await blobs.get(stagedKey);
  const hash = createHash('sha256');
  const first: Buffer[] = [];
  let firstLength = 0;
  let size = 0;
  const copy = new PassThrough();
  const stored = blobs.put(finalKey, copy);
  try {
    for await (const chunk of body as Readable & AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
      if (firstLength < HEAD_BYTES) {
        first.push(chunk);
        firstLength += chunk.length;
      }
      if (!copy.write(chunk)) await new Promise((resolve) => copy.once('drain', resolve));
    }
    copy.end();
    await stored;
  } catch (error) {
    copy.destroy();
    await stored.catch(() => undefined);
    await blobs.delete(finalKey);
    throw error;
  }
  try {
    // The object may have been replaced between HEAD and GET: judge the bytes actually read.
    if (size !== expected.size) {
      throw new AppError('UPLOAD_SIZE_MISMATCH', `Expected ${expected.size} bytes, received ${size}.`);
    }
    if (hash.digest('hex') !== expected.sha256) throw new AppError('UPLOAD_HASH_MISMATCH');
    const format = sniffImageFormat(Buffer.concat(first).subarray(0, HEAD_BYTES));
    if (format === null || !(ACCEPTED_FORMATS as readonly string[]).includes(format)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    }
  } catch (error) {
    await blobs.delete(finalKey);
    throw error;
  }
  await blobs.delete(stagedKey);
}
