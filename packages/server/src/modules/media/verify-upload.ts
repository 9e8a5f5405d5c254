import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError } from '../../errors/app-error.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { ACCEPTED_FORMATS, sniffImageFormat } from './pipeline/index.js';
import { sniffVideoContainer } from './video/container.js';

const HEAD_BYTES = 64;

/** What one pass over the staged bytes saw. */
interface Inspection {
  size: number;
  hash: ReturnType<typeof createHash>;
  head: Buffer[];
  headLength: number;
}

/**
 * Checks what actually reached the blob store — never the client's word, and never the store's
 * (s3rver, and some S3-compatible stores, check neither size nor checksum): exact size, SHA-256 of
 * the stored bytes, and magic bytes of an accepted format of the declared kind (an image, or a
 * video container). The bytes are copied to
 * `finalKey` in the same pass, so the kept original is exactly what was hashed, even if the client
 * PUTs again to its still-valid URL afterwards. On any mismatch nothing is kept and the matching
 * AppError is thrown; when the store fails (full, unreachable) its error is thrown and nothing is
 * kept either. The staged object is left in place: the caller deletes it once the outcome is recorded.
 */
export async function verifyAndKeep(
  blobs: BlobStore,
  stagedKey: string,
  finalKey: string,
  expected: { size: number; sha256: string; kind: 'image' | 'video' },
): Promise<void> {
  const head = await blobs.head(stagedKey);
  if (!head) throw new AppError('UPLOAD_INCOMPLETE', 'Nothing was uploaded yet; send the file, then complete.');
  if (head.size !== expected.size) {
    throw new AppError('UPLOAD_SIZE_MISMATCH', `Expected ${expected.size} bytes, received ${head.size}.`);
  }
  const { body } = await blobs.get(stagedKey);
  const seen: Inspection = { size: 0, hash: createHash('sha256'), head: [], headLength: 0 };
  // The store pulls the copy at its own pace: no write waits for a 'drain' a failed store would
  // never emit, and no promise is left without a listener when the store fails.
  const copy = Readable.from(inspect(body, seen), { objectMode: false });
  try {
    await blobs.put(finalKey, copy);
  } catch (error) {
    copy.destroy();
    body.destroy();
    // A failed put leaves nothing on either store; this only guards against one that would.
    await blobs.delete(finalKey).catch(() => undefined);
    throw error;
  }
  try {
    // The object may have been replaced between HEAD and GET: judge the bytes actually read.
    if (seen.size !== expected.size) {
      throw new AppError('UPLOAD_SIZE_MISMATCH', `Expected ${expected.size} bytes, received ${seen.size}.`);
    }
    if (seen.hash.digest('hex') !== expected.sha256) throw new AppError('UPLOAD_HASH_MISMATCH');
    if (!hasAcceptedMagic(Buffer.concat(seen.head).subarray(0, HEAD_BYTES), expected.kind)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    }
  } catch (error) {
    await blobs.delete(finalKey);
    throw error;
  }
}

function hasAcceptedMagic(head: Buffer, kind: 'image' | 'video'): boolean {
  if (kind === 'video') return sniffVideoContainer(head) !== null;
  const format = sniffImageFormat(head);
  return format !== null && (ACCEPTED_FORMATS as readonly string[]).includes(format);
}

async function* inspect(body: AsyncIterable<Buffer>, seen: Inspection): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    seen.hash.update(chunk);
    seen.size += chunk.length;
    if (seen.headLength < HEAD_BYTES) {
      seen.head.push(chunk);
      seen.headLength += chunk.length;
    }
    yield chunk;
  }
}
