import {
  BlobNotFoundError,
  BlobStoreUnavailableError,
  InvalidPartError,
  StorageFullError,
  UploadNotFoundError,
} from '../errors.js';

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function asSdkError(error: unknown): SdkError {
  return typeof error === 'object' && error !== null ? error : {};
}

/** True for a missing object: NoSuchKey on GET, a body-less 404 (`NotFound`) on HEAD. */
export function isNotFound(error: unknown): boolean {
  const { name } = asSdkError(error);
  return name === 'NoSuchKey' || name === 'NotFound';
}

export function isNoSuchUpload(error: unknown): boolean {
  return asSdkError(error).name === 'NoSuchUpload';
}

export function isInvalidRange(error: unknown): boolean {
  const e = asSdkError(error);
  return e.name === 'InvalidRange' || e.$metadata?.httpStatusCode === 416;
}

/**
 * S3 itself has no "full", but S3-compatible stores do: MinIO answers 507 XMinioStorageFull below
 * its free-drive threshold, Ceph's gateway QuotaExceeded over a bucket or user quota.
 */
export function isStorageFull(error: unknown): boolean {
  const e = asSdkError(error);
  return e.name === 'XMinioStorageFull' || e.name === 'QuotaExceeded' || e.$metadata?.httpStatusCode === 507;
}

/**
 * Turns S3's answers into the store's typed errors: a missing object or upload, a full store, a
 * failing one (5xx). Anything else (NoSuchBucket, AccessDenied, a dropped connection, whose code
 * the error mapping reads itself) is rethrown as is.
 */
export function mapS3Error(error: unknown, context: { key: string; uploadId?: string }): unknown {
  if (isNotFound(error)) return new BlobNotFoundError(context.key);
  if (isStorageFull(error))
    return new StorageFullError(`the object store refused ${context.key}: it is full`, { cause: error });
  if ((asSdkError(error).$metadata?.httpStatusCode ?? 0) >= 500) {
    return new BlobStoreUnavailableError(`answer for ${context.key}`, { cause: error });
  }
  if (context.uploadId !== undefined) {
    if (isNoSuchUpload(error)) return new UploadNotFoundError(context.uploadId);
    const { name, message } = asSdkError(error);
    if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall') {
      return new InvalidPartError(context.uploadId, undefined, `${name}: ${message ?? 'rejected by S3'}`);
    }
  }
  return error;
}

/**
 * A write that did not complete stored nothing (a PutObject is atomic; a streamed multipart upload
 * is aborted): whatever the cause, the store is unavailable for writing, or full.
 */
export function mapS3WriteError(error: unknown, key: string): unknown {
  if (error instanceof StorageFullError || error instanceof BlobStoreUnavailableError) return error;
  if (isStorageFull(error))
    return new StorageFullError(`the object store refused ${key}: it is full`, { cause: error });
  return new BlobStoreUnavailableError(`store ${key}`, { cause: error });
}

export function stripQuotes(etag: string | undefined): string {
  return (etag ?? '').replaceAll('"', '');
}
