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

/** A derivative: `media/ab/cd/<id>/w640.webp`. */
export function derivativeKey(mediaId: string, variant: string, ext: 'webp' | 'jpg'): string {
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
