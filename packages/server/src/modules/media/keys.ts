import { createHash } from 'node:crypto';

/**
 * Blob keys of one media item. Two levels of hashed fan-out keep directories small on disk and
 * spread S3 prefixes; keys are relative, as every BlobStore key is.
 */
function shard(mediaId: string): string {
  const h = createHash('sha256').update(mediaId).digest('hex');
  return `${h.slice(0, 2)}/${h.slice(2, 4)}`;
}

/** The uploaded bytes, verified and kept private (never served) so derivatives can be rebuilt. */
export function originalKey(mediaId: string): string {
  return `originals/${shard(mediaId)}/${mediaId}`;
}

/** A derivative: `media/ab/cd/<id>/w640.webp`, or a video rendition, `media/ab/cd/<id>/720.mp4`. */
export function derivativeKey(mediaId: string, variant: string, ext: 'webp' | 'jpg' | 'mp4'): string {
  return `media/${shard(mediaId)}/${mediaId}/${variant}.${ext}`;
}

/** Every derivative of one media item lives under this prefix. */
export function derivativePrefix(mediaId: string): string {
  return `media/${shard(mediaId)}/${mediaId}/`;
}

/**
 * Where a client's bytes land before verification. Only what the server itself copies from here
 * while hashing becomes the original, so a late PUT to a still-valid upload URL changes nothing.
 */
export function stagingKey(uploadId: string): string {
  return `uploads/${shard(uploadId)}/${uploadId}`;
}

/** What a blob key is in Aperture's layout; `foreign` for anything else (never Aperture's to remove). */
export type ParsedBlobKey =
  | { kind: 'original'; mediaId: string }
  | { kind: 'derivative'; mediaId: string; file: string }
  | { kind: 'staging'; uploadId: string }
  | { kind: 'foreign' };

const ORIGINAL = /^originals\/[0-9a-f]{2}\/[0-9a-f]{2}\/(\d{1,20})$/;
const DERIVATIVE = /^media\/[0-9a-f]{2}\/[0-9a-f]{2}\/(\d{1,20})\/([^/]+)$/;
const STAGING = /^uploads\/[0-9a-f]{2}\/[0-9a-f]{2}\/(\d{1,20})$/;

/** The inverse of the key functions above: a key counts only if its shard is the one its id hashes to. */
export function parseBlobKey(key: string): ParsedBlobKey {
  const original = ORIGINAL.exec(key);
  if (original?.[1] && originalKey(original[1]) === key) return { kind: 'original', mediaId: original[1] };
  const derivative = DERIVATIVE.exec(key);
  if (derivative?.[1] && derivative[2] && key.startsWith(derivativePrefix(derivative[1]))) {
    return { kind: 'derivative', mediaId: derivative[1], file: derivative[2] };
  }
  const staging = STAGING.exec(key);
  if (staging?.[1] && stagingKey(staging[1]) === key) return { kind: 'staging', uploadId: staging[1] };
  return { kind: 'foreign' };
}
