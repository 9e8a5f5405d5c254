import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { stripQuotes } from './errors.js';

/** Parts of a streamed upload; S3 wants ≥ 5 MiB for all but the last. */
const STREAM_PART_SIZE = 8 * 1024 * 1024;

export interface StreamPutTarget {
  client: S3Client;
  bucket: string;
  key: string;
  contentType: string | undefined;
}

/**
 * PutObject needs a Content-Length, which a stream does not have. Small streams are buffered and put
 * in one request; longer ones go up as a multipart upload (aborted on failure), so memory stays at
 * two parts whatever the size.
 */
export async function putStream(target: StreamPutTarget, body: Readable): Promise<{ etag: string; size: number }> {
  const parts = fixedChunks(body, STREAM_PART_SIZE)[Symbol.asyncIterator]();
  try {
    return await putParts(target, parts);
  } finally {
    // On a failure the generator is parked mid-stream: closing it ends its `for await`, which
    // destroys the source, so a GET being copied does not hold its connection open forever.
    await parts.return(undefined);
  }
}

async function putParts(
  target: StreamPutTarget,
  parts: AsyncGenerator<Buffer>,
): Promise<{ etag: string; size: number }> {
  const { client, bucket, key, contentType } = target;
  const first = await parts.next();
  const firstChunk: Buffer = first.done ? Buffer.alloc(0) : first.value;
  let next = await parts.next();
  if (next.done) {
    const out = await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: firstChunk, ContentType: contentType }),
    );
    return { etag: stripQuotes(out.ETag), size: firstChunk.length };
  }

  const { UploadId: uploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }),
  );
  if (!uploadId) throw new Error('S3 returned no UploadId');
  try {
    const completed: { PartNumber: number; ETag: string }[] = [];
    let size = 0;
    const upload = async (chunk: Buffer) => {
      const PartNumber = completed.length + 1;
      const out = await client.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: chunk }),
      );
      completed.push({ PartNumber, ETag: out.ETag ?? '' });
      size += chunk.length;
    };
    await upload(firstChunk);
    while (!next.done) {
      await upload(next.value);
      next = await parts.next();
    }
    const out = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: completed },
      }),
    );
    return { etag: stripQuotes(out.ETag), size };
  } catch (error) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => undefined);
    throw error;
  }
}

/** Re-slices a stream into buffers of exactly `size` bytes, the last one shorter. */
async function* fixedChunks(body: Readable, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  for await (const raw of body) {
    let chunk: Buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
    while (pendingLength + chunk.length >= size) {
      const take = size - pendingLength;
      pending.push(chunk.subarray(0, take));
      yield Buffer.concat(pending);
      chunk = chunk.subarray(take);
      pending = [];
      pendingLength = 0;
    }
    if (chunk.length > 0) {
      pending.push(chunk);
      pendingLength += chunk.length;
    }
  }
  if (pendingLength > 0) yield Buffer.concat(pending);
}
