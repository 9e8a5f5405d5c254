export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(readonly key: string) {
    super(`Blob not found: ${key}`);
  }
}

export class RangeNotSatisfiableError extends Error {
  override readonly name = 'RangeNotSatisfiableError';
  constructor(
    readonly key: string,
    readonly size: number,
  ) {
    super(`Range not satisfiable for ${key} (size ${size})`);
  }
}

export class UploadNotFoundError extends Error {
  override readonly name = 'UploadNotFoundError';
  constructor(readonly uploadId: string) {
    super(`Multipart upload not found: ${uploadId}`);
  }
}

export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
  constructor(readonly key: string) {
    super(`Invalid blob key: ${JSON.stringify(key)}`);
  }
}

const KEY_PATTERN = /^[A-Za-z0-9_\-.]+(\/[A-Za-z0-9_\-.]+)*$/;

/** Keys are relative, slash-separated, with no empty, `.` or `..` segments. */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > 512 || !KEY_PATTERN.test(key)) throw new InvalidKeyError(key);
  for (const segment of key.split('/')) {
    if (segment === '.' || segment === '..') throw new InvalidKeyError(key);
  }
}

/** A multipart completion named a part that is missing, has another ETag, or is out of order. */
export class InvalidPartError extends Error {
  override readonly name = 'InvalidPartError';
  constructor(
    readonly uploadId: string,
    /** The offending part, when the store says which one (S3 does not). */
    readonly partNumber: number | undefined,
    reason: string,
  ) {
    super(`Invalid part${partNumber === undefined ? '' : ` ${partNumber}`} of upload ${uploadId}: ${reason}`);
  }
}

/** An upload token that is malformed, tampered with, or signed with another secret. */
export class SignatureInvalidError extends Error {
  override readonly name = 'SignatureInvalidError';
  constructor(reason = 'invalid upload signature') {
    super(reason);
  }
}

export class SignatureExpiredError extends Error {
  override readonly name = 'SignatureExpiredError';
  constructor(readonly expiredAt: Date) {
    super(`Upload signature expired at ${expiredAt.toISOString()}`);
  }
}

export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`Upload exceeds ${maxBytes} bytes`);
  }
}

/**
 * The store has no room for a write: the volume under the disk store is below its free-space floor
 * (refused before anything was written), or an S3-compatible store answered that it is full or over
 * quota. Retryable once space is freed.
 */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  constructor(message = 'storage is full', options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/**
 * The object store could not be reached or failed (a dropped connection, a 5xx, a write cut short).
 * Nothing was stored; trying again later may succeed.
 */
export class BlobStoreUnavailableError extends Error {
  override readonly name = 'BlobStoreUnavailableError';
  constructor(operation: string, options: { cause?: unknown } = {}) {
    super(`The object store failed to ${operation}`, options);
  }
}
