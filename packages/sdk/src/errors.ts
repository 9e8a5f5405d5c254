import type { ApertureErrorCode } from './error-codes.js';

/** One problem with the input, as the server reports it for `VALIDATION_FAILED`. */
export interface ValidationIssue {
  /** Where in the input, e.g. `['password']`. */
  path: (string | number)[];
  code: string;
  message: string;
}

export interface ApertureErrorOptions {
  /** HTTP status of the answer; 0 when no answer came back. */
  status: number;
  issues?: ValidationIssue[] | undefined;
  retryAfter?: number | undefined;
  /** The tRPC procedure path, when known. */
  path?: string | undefined;
  cause?: unknown;
}

/**
 * Every failure of an SDK call: the server's human message, its code and HTTP status.
 * Catch a subclass to handle one family of errors.
 *
 * @example
 * ```ts
 * try {
 *   await client.auth.login({ username, password })
 * } catch (err) {
 *   if (err instanceof AuthenticationError) console.error(err.message, err.code)
 *   else throw err
 * }
 * ```
 */
export class ApertureError extends Error {
  override name = 'ApertureError';
  readonly code: ApertureErrorCode;
  /** HTTP status of the answer; 0 when no answer came back (see {@link NetworkError}). */
  readonly status: number;
  /** What was wrong with the input (`VALIDATION_FAILED` only). */
  readonly issues: ValidationIssue[];
  /** Seconds to wait before trying again, when the server said so. */
  readonly retryAfter: number | undefined;
  /** The procedure that failed, e.g. `accounts.login`, when known. */
  readonly path: string | undefined;

  constructor(code: ApertureErrorCode, message: string, options: ApertureErrorOptions) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.issues = options.issues ?? [];
    this.retryAfter = options.retryAfter;
    this.path = options.path;
  }
}

/**
 * The input was rejected: `VALIDATION_FAILED` (see `issues`), `MALFORMED_REQUEST`, `PAYLOAD_TOO_LARGE`,
 * `BATCH_TOO_LARGE`, `CONTENT_REJECTED` (a comment or caption holds a term the server refuses).
 */
export class ValidationError extends ApertureError {
  override name = 'ValidationError';
}

/** Not signed in or the token is no longer valid (`UNAUTHENTICATED`), or wrong password (`INVALID_CREDENTIALS`). */
export class AuthenticationError extends ApertureError {
  override name = 'AuthenticationError';
}

/**
 * Signed in, but not allowed: `FORBIDDEN`, `SIGNATURE_INVALID`, `SIGNATURE_EXPIRED`; and
 * `ACCOUNT_SUSPENDED`, the sign-in of an account the instance's moderators suspended; and
 * `ACCOUNT_DELETED`, the sign-in of an account its owner deleted.
 */
export class PermissionError extends ApertureError {
  override name = 'PermissionError';
}

/** `NOT_FOUND`, and `UPLOAD_EXPIRED` (the upload is gone: start a new one). */
export class NotFoundError extends ApertureError {
  override name = 'NotFoundError';
}

/** `USERNAME_TAKEN`, `EMAIL_TAKEN`, `CONFLICT`, `UPLOAD_INCOMPLETE`, `MEDIA_NOT_READY`. */
export class ConflictError extends ApertureError {
  override name = 'ConflictError';
}

/** `RATE_LIMITED`; `retryAfter` says how many seconds to wait. */
export class RateLimitError extends ApertureError {
  override name = 'RateLimitError';
}

/**
 * The file was refused for what it is: `UNSUPPORTED_MEDIA_TYPE`, `FILE_TOO_LARGE`, `IMAGE_TOO_LARGE`,
 * `IMAGE_CORRUPT`, the video codes (`VIDEO_CORRUPT`, `VIDEO_TOO_LONG`, …), `MEDIA_BLOCKED` (the
 * server's content rules refuse it), or the stored bytes were not the ones declared
 * (`UPLOAD_SIZE_MISMATCH`, `UPLOAD_HASH_MISMATCH`). Sending the same file again will not help. `status` is 0 when the SDK
 * refused the file itself, before any request (an unknown format, more than `maxBytes`).
 *
 * @example
 * ```ts
 * try {
 *   await client.media.upload('notes.txt')
 * } catch (err) {
 *   if (err instanceof MediaRejectedError) console.error(`Not uploaded: ${err.message} (${err.code})`)
 *   else throw err
 * }
 * ```
 */
export class MediaRejectedError extends ApertureError {
  override name = 'MediaRejectedError';
}

/**
 * The server failed: `INTERNAL`, or, retryable after `retryAfter` seconds, `UNAVAILABLE` (its
 * database or object store is unreachable) and `STORAGE_FULL` (it has no room for uploads now).
 */
export class ServerError extends ApertureError {
  override name = 'ServerError';
}

/** No answer came back: the server is down or unreachable, or the request was aborted. */
export class NetworkError extends ApertureError {
  override name = 'NetworkError';
}
