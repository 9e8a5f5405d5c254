import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import type {
  BlobInfo,
  BlobReadResult,
  BlobStore,
  ByteRange,
  CompletedPart,
  PendingMultipart,
  ScratchReport,
  SignedTarget,
  SignedUploadOptions,
  StoredPart,
} from '../blob-store.js';
import { assertCompletableParts, assertPartNumber, assertWellFormedRange } from '../checks.js';
import { assertValidKey, BlobNotFoundError, RangeNotSatisfiableError } from '../errors.js';
import { isInvalidRange, isNoSuchUpload, isNotFound, mapS3Error, mapS3WriteError, stripQuotes } from './errors.js';
import { putStream } from './put-stream.js';
import { listOpenMultipartUploads } from './multipart-list.js';

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** For S3-compatible stores (MinIO, R2, s3rver…). */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Defaults to the SDK's chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles). */
  credentials?: S3ClientConfig['credentials'];
  /** Time used to sign URLs (and so when they expire); the SDK's own requests use the real clock. */
  clock?: () => number;
  /** Keys per ListObjectsV2 page; S3's maximum is 1000. */
  listPageSize?: number;
}

/** BlobStore on S3 or any S3-compatible service. Clients upload straight to presigned URLs. */
/** How long opening a connection to the store may take. */
const S3_CONNECT_TIMEOUT_MS = 5_000;
/** How long a connection to the store may sit idle in the middle of a request. */
const S3_IDLE_TIMEOUT_MS = 30_000;

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #clock: () => number;
  readonly #listPageSize: number;

  constructor(options: S3BlobStoreOptions) {
    this.#bucket = options.bucket;
    this.#clock = options.clock ?? Date.now;
    this.#listPageSize = options.listPageSize ?? 1000;
    this.#client = new S3Client({
      region: options.region,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      // Newer SDKs add CRC32 checksums by default, which many S3-compatible stores reject, and
      // presigned URLs would then demand a checksum header that browsers do not send.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // The SDK waits forever by default: one store connection that stalls (a request the store
      // never finishes) would hold an image, and the lease the worker keeps renewing on it, for
      // good. A connection gets 5 s to open and may sit idle 30 s mid-transfer (an idle limit, not a
      // total one, so large transfers still go through); then the call fails and is retried.
      requestHandler: { connectionTimeout: S3_CONNECT_TIMEOUT_MS, socketTimeout: S3_IDLE_TIMEOUT_MS },
    });
  }

  async put(key: string, body: Buffer | Readable, options: { contentType?: string } = {}): Promise<BlobInfo> {
    assertValidKey(key);
    const { contentType } = options;
    let etag: string;
    let size: number;
    try {
      if (Buffer.isBuffer(body)) {
        const out = await this.#client.send(
          new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: body, ContentType: contentType }),
        );
        etag = stripQuotes(out.ETag);
        size = body.length;
      } else {
        ({ etag, size } = await putStream({ client: this.#client, bucket: this.#bucket, key, contentType }, body));
      }
    } catch (error) {
      throw mapS3WriteError(error, key);
    }
    // Not S3's exact Last-Modified (that would cost a HEAD per put), but within a request's time of it.
    return { key, size, etag, lastModified: new Date(), contentType };
  }

  async get(key: string, options: { range?: ByteRange } = {}): Promise<BlobReadResult> {
    assertValidKey(key);
    const { range } = options;
    if (range) assertWellFormedRange(range);
    try {
      const out = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {}),
        }),
      );
      if (!(out.Body instanceof Readable)) throw new Error('Expected a Node.js stream from GetObject');
      const contentLength = out.ContentLength ?? 0;
      const served = range ? parseContentRange(out.ContentRange) : undefined;
      return {
        body: out.Body,
        size: served?.size ?? contentLength,
        contentLength,
        range: served && { start: served.start, end: served.end },
        etag: stripQuotes(out.ETag),
        contentType: out.ContentType,
      };
    } catch (error) {
      if (isInvalidRange(error)) {
        const info = await this.head(key);
        if (info === null) throw new BlobNotFoundError(key);
        throw new RangeNotSatisfiableError(key, info.size);
      }
      throw mapS3Error(error, { key });
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    try {
      const out = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        etag: stripQuotes(out.ETag),
        lastModified: out.LastModified ?? new Date(0),
        contentType: out.ContentType,
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw mapS3Error(error, { key });
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
    } catch (error) {
      throw mapS3Error(error, { key });
    }
  }

  /** ListObjectsV2 gives no content type; listed entries have `contentType: undefined`. */
  async *list(prefix: string): AsyncIterable<BlobInfo> {
    let continuationToken: string | undefined;
    do {
      const out = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          MaxKeys: this.#listPageSize,
          ...(prefix === '' ? {} : { Prefix: prefix }),
          ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
        }),
      );
      for (const object of out.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key,
          size: object.Size ?? 0,
          etag: stripQuotes(object.ETag),
          lastModified: object.LastModified ?? new Date(0),
          contentType: undefined,
        };
      }
      continuationToken = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }

  async signedUpload(key: string, options: SignedUploadOptions): Promise<SignedTarget> {
    assertValidKey(key);
    const command = new PutObjectCommand({ Bucket: this.#bucket, Key: key, ContentType: options.contentType });
    return this.#presign((args) => getSignedUrl(this.#client, command, args), options, options.contentType);
  }

  async createMultipart(key: string, options: { contentType?: string } = {}): Promise<{ uploadId: string }> {
    assertValidKey(key);
    const out = await this.#client
      .send(new CreateMultipartUploadCommand({ Bucket: this.#bucket, Key: key, ContentType: options.contentType }))
      .catch((error: unknown) => {
        throw mapS3Error(error, { key });
      });
    if (!out.UploadId) throw new Error('S3 returned no UploadId');
    return { uploadId: out.UploadId };
  }

  async signedPart(
    key: string,
    uploadId: string,
    partNumber: number,
    options: SignedUploadOptions,
  ): Promise<SignedTarget> {
    assertValidKey(key);
    assertPartNumber(partNumber);
    const command = new UploadPartCommand({
      Bucket: this.#bucket,
      Key: key,
      UploadId: uploadId,
      PartNumber: partNumber,
    });
    return this.#presign((args) => getSignedUrl(this.#client, command, args), options, undefined);
  }

  async listParts(key: string, uploadId: string): Promise<StoredPart[]> {
    assertValidKey(key);
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    try {
      do {
        const out = await this.#client.send(
          new ListPartsCommand({
            Bucket: this.#bucket,
            Key: key,
            UploadId: uploadId,
            ...(marker === undefined ? {} : { PartNumberMarker: marker }),
          }),
        );
        for (const part of out.Parts ?? []) {
          if (part.PartNumber === undefined) continue;
          parts.push({ partNumber: part.PartNumber, etag: stripQuotes(part.ETag), size: part.Size ?? 0 });
        }
        marker = out.IsTruncated ? out.NextPartNumberMarker : undefined;
      } while (marker !== undefined);
    } catch (error) {
      throw mapS3Error(error, { key, uploadId });
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<BlobInfo> {
    assertValidKey(key);
    assertCompletableParts(uploadId, parts);
    try {
      await this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.#bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: `"${stripQuotes(p.etag)}"` })),
          },
        }),
      );
    } catch (error) {
      throw mapS3Error(error, { key, uploadId });
    }
    // Completion answers no size; one HEAD gives the object as stored.
    const info = await this.head(key);
    if (info === null) throw new BlobNotFoundError(key);
    return info;
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.#client.send(new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      // Aborting twice, or after completion, is not an error for callers.
      if (!isNoSuchUpload(error)) throw error;
    }
  }

  listMultipartUploads(): AsyncIterable<PendingMultipart> {
    return listOpenMultipartUploads(this.#client, this.#bucket);
  }

  /** S3 writes objects whole; what an interrupted write leaves is an open multipart upload. */
  async sweepScratch(): Promise<ScratchReport> {
    return { stale: 0, removed: 0, young: 0 };
  }

  async ping(): Promise<void> {
    await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  async #presign(
    sign: (args: { expiresIn: number; signingDate: Date }) => Promise<string>,
    options: SignedUploadOptions,
    contentType: string | undefined,
  ): Promise<SignedTarget> {
    const signingDate = new Date(this.#clock());
    const url = await sign({ expiresIn: options.expiresInSeconds, signingDate });
    return {
      method: 'PUT',
      url,
      headers: contentType === undefined ? {} : { 'content-type': contentType },
      expiresAt: new Date(signingDate.getTime() + options.expiresInSeconds * 1000),
    };
  }
}

/** `bytes 0-9/100` → start, end, total size. */
function parseContentRange(header: string | undefined): { start: number; end: number; size: number } | undefined {
  const match = header === undefined ? null : /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header);
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}
