import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { createHash, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { callTrpc } from './server.js';

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A PNG of random noise (incompressible) of about `megabytes` MB: big enough to need multipart. */
export async function noisePng(megabytes: number): Promise<Buffer> {
  const width = 2000;
  const height = Math.ceil((megabytes * 1_000_000) / (width * 3));
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

export interface Target {
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
}

/** PUT bytes to a signed target exactly as a client would; returns the unquoted ETag. */
export async function putTo(target: Target, body: Buffer): Promise<string> {
  const response = await fetch(target.url, { method: 'PUT', headers: target.headers, body });
  if (!response.ok) throw new Error(`PUT ${target.url} → ${response.status} ${await response.text()}`);
  return (response.headers.get('etag') ?? '').replaceAll('"', '');
}

/** Polls media.get until the media leaves `pending`/`processing`. */
export async function waitForMedia(
  url: string,
  token: string,
  id: string,
): Promise<{ status: string; [key: string]: unknown }> {
  for (let i = 0; i < 300; i++) {
    const response = await callTrpc<{ status: string }>(url, 'media.get', { type: 'query', token, input: { id } });
    const media = response.body.result?.data;
    if (!media) throw new Error(`media.get failed: ${JSON.stringify(response.body)}`);
    if (media.status === 'ready' || media.status === 'failed') return media;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`media ${id} never finished processing`);
}

/** Uploads `image` through the real protocol and waits until it is ready; returns the media id. */
export async function uploadReady(url: string, token: string, image: Buffer): Promise<string> {
  const created = await callTrpc<{ duplicate: boolean; mediaId: string; uploadId: string; target: Target }>(
    url,
    'media.createUpload',
    { token, input: { size: image.length, contentType: 'image/jpeg', sha256: sha256(image) } },
  );
  const result = created.body.result?.data;
  if (!result) throw new Error(`createUpload failed: ${JSON.stringify(created.body)}`);
  if (!result.duplicate) {
    await putTo(result.target, image);
    await callTrpc(url, 'media.completeUpload', { token, input: { uploadId: result.uploadId } });
  }
  const media = await waitForMedia(url, token, result.mediaId);
  if (media.status !== 'ready') throw new Error(`media ${result.mediaId} ${media.status}`);
  return result.mediaId;
}

let fakeMediaSeq = 0n;

/**
 * A ready media row written straight into the database (no bytes, no processing), for tests that
 * need many posts fast and never fetch the photos.
 */
export async function insertReadyMedia(db: Kysely<Database>, ownerId: string): Promise<string> {
  fakeMediaSeq += 1n;
  const id = String(7_000_000_000_000_000_000n + BigInt(process.pid) * 1_000_000n + fakeMediaSeq);
  const now = new Date().toISOString();
  await db
    .insertInto('media')
    .values({
      id,
      owner_id: ownerId,
      status: 'ready',
      failure_code: null,
      failure_reason: null,
      sha256: id,
      size: 1,
      content_type: 'image/jpeg',
      filename: null,
      original_key: `originals/${id}`,
      keep_location: 0,
      format: 'jpeg',
      width: 1,
      height: 1,
      thumbhash: null,
      dominant_color: null,
      exif: null,
      gps_lat: null,
      gps_lng: null,
      derivatives: '{}',
      claimed_until: null,
      reprocess_requested_at: null,
      created_at: now,
      updated_at: now,
      ready_at: now,
      attached_at: null,
    })
    .execute();
  return id;
}
