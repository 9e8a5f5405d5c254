import { BlobNotFoundError, InvalidPartError, UploadNotFoundError } from './errors.js';

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
 * Turns S3's answers into the store's typed errors; anything else (NoSuchBucket, AccessDenied,
 * network) is rethrown as is, since it is a configuration or availability problem, not a missing blob.
 */
export function mapS3Error(error: unknown, context: { key: string; uploadId?: string }): unknown {
  if (isNotFound(error)) return new BlobNotFoundError(context.key);
  if (context.uploadId !== undefined) {
    if (isNoSuchUpload(error)) return new UploadNotFoundError(context.uploadId);
    const { name, message } = asSdkError(error);
    if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall') {
      return new InvalidPartError(context.uploadId, undefined, `${name}: ${message ?? 'rejected by S3'}`);
    }
  }
  return error;
}

export function stripQuotes(etag: string | undefined): string {
  return (etag ?? '').replaceAll('"', '');
}
