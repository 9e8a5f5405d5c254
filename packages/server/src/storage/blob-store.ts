import type { Readable } from 'node:stream';

/** What a store knows about one stored object. */
export interface BlobInfo {
  key: string;
  size: number;
  /** Opaque version tag of the content (S3 ETag without quotes; md5 hex on disk). */
  etag: string;
  lastModified: Date;
  contentType: string | undefined;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. `end` omitted means "to the end". */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface BlobReadResult {
  body: Readable;
  /** Total size of the object, not of the range. */
  size: number;
  /** Bytes in `body`. */
  contentLength: number;
  /** The range actually served, when one was asked for. */
  range: { start: number; end: number } | undefined;
  etag: string;
  contentType: string | undefined;
}

/** A URL a client can send bytes to without holding Aperture credentials. */
export interface SignedTarget {
  method: 'PUT';
  url: string;
  /** Headers the client must send with the request. */
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface SignedUploadOptions {
  expiresInSeconds: number;
  contentType?: string;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export interface StoredPart extends CompletedPart {
  size: number;
}

/** A multipart upload created and neither completed nor aborted. */
export interface PendingMultipart {
  key: string;
  uploadId: string;
  initiated: Date;
}

/** What a store that receives its own signed uploads stored for one PUT (a whole object or a part). */
export interface ReceivedUpload {
  etag: string;
  size: number;
}

/** What `sweepScratch` found: leftovers older than the cut-off (removed unless a dry run), and younger ones. */
export interface ScratchReport {
  stale: number;
  removed: number;
  /** Possibly a write in flight right now: left alone. */
  young: number;
}

/**
 * Where media bytes live. Keys are relative (`media/ab/cd/<id>/w640.webp`), validated by every
 * implementation with `assertValidKey`. Writes are atomic: a reader sees the old content, the new
 * content, or not-found, never a partial object.
 */
export interface BlobStore {
  /** A short name for logs and /readyz: `disk` or `s3`. */
  readonly kind: 'disk' | 's3';
  put(key: string, body: Buffer | Readable, options?: { contentType?: string }): Promise<BlobInfo>;
  /** Throws BlobNotFoundError when absent, RangeNotSatisfiableError for a range past the end. */
  get(key: string, options?: { range?: ByteRange }): Promise<BlobReadResult>;
  /** Null when absent. */
  head(key: string): Promise<BlobInfo | null>;
  /** Idempotent: deleting an absent key succeeds. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /** A single signed PUT for `key`. */
  signedUpload(key: string, options: SignedUploadOptions): Promise<SignedTarget>;
  createMultipart(key: string, options?: { contentType?: string }): Promise<{ uploadId: string }>;
  /** A signed PUT for one part (1..10000). Parts may be re-sent; the last one wins. */
  signedPart(key: string, uploadId: string, partNumber: number, options: SignedUploadOptions): Promise<SignedTarget>;
  /** Parts durably stored so far, ascending. Throws UploadNotFoundError for an unknown upload. */
  listParts(key: string, uploadId: string): Promise<StoredPart[]>;
  completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<BlobInfo>;
  /** Idempotent: aborting an unknown or finished upload succeeds. */
  abortMultipart(key: string, uploadId: string): Promise<void>;
  /**
   * Every multipart upload still open (neither completed nor aborted), in no set order: what a
   * crash between creating one and recording it, or mid-way through a streamed put, leaves.
   */
  listMultipartUploads(): AsyncIterable<PendingMultipart>;
  /**
   * Leftovers of interrupted writes that are not objects and that no listing shows: on disk, temp
   * files and multipart folders without a manifest; S3 has none (its leftovers are open multipart
   * uploads). Those last written before `olderThan` are removed unless `dryRun`; younger ones may be
   * a write in flight and are only counted.
   */
  sweepScratch(olderThan: Date, options?: { dryRun?: boolean }): Promise<ScratchReport>;
  /**
   * Present on stores whose signed URLs point at Aperture itself (the disk store's
   * `PUT /uploads/<token>`): takes the bytes of one signed PUT, checking the token before reading
   * anything. Stores whose URLs point elsewhere (S3's presigned URLs) leave it out, and the HTTP
   * layer then mounts no upload route.
   */
  receiveSignedUpload?(token: string, body: Readable, options?: { maxBytes?: number }): Promise<ReceivedUpload>;
  /** Throws when the store cannot be reached (used by /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
