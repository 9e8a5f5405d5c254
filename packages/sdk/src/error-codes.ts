import type { ErrorCode } from '@aperture/server';

type Family =
  | 'validation'
  | 'authentication'
  | 'permission'
  | 'not-found'
  | 'conflict'
  | 'rate-limit'
  | 'media-rejected'
  | 'server'
  | 'other';

/**
 * The server's error codes with the family (SDK error class) of each. The SDK cannot import the
 * server's table at runtime, so it keeps this copy; `satisfies` makes a code added on the server
 * a compile error here until it is given a family.
 */
export const ERROR_FAMILIES = {
  VALIDATION_FAILED: 'validation',
  MALFORMED_REQUEST: 'validation',
  PAYLOAD_TOO_LARGE: 'validation',
  // Only a client batching more than the server's cap gets it; the SDK's batches stay within it.
  BATCH_TOO_LARGE: 'validation',
  // A word filter refused the text: the same text again is refused again, other text may pass.
  CONTENT_REJECTED: 'validation',
  // The file itself is refused: sending it again will not help, another file might.
  UNSUPPORTED_MEDIA_TYPE: 'media-rejected',
  FILE_TOO_LARGE: 'media-rejected',
  IMAGE_TOO_LARGE: 'media-rejected',
  IMAGE_CORRUPT: 'media-rejected',
  UPLOAD_SIZE_MISMATCH: 'media-rejected',
  UPLOAD_HASH_MISMATCH: 'media-rejected',
  VIDEO_CORRUPT: 'media-rejected',
  VIDEO_NO_VIDEO_STREAM: 'media-rejected',
  VIDEO_TOO_LONG: 'media-rejected',
  VIDEO_TOO_LARGE: 'media-rejected',
  VIDEO_UNSUPPORTED: 'media-rejected',
  MEDIA_BLOCKED: 'media-rejected',
  UNAUTHENTICATED: 'authentication',
  INVALID_CREDENTIALS: 'authentication',
  FORBIDDEN: 'permission',
  // Sign-in of an account its instance's moderators suspended: only they can lift it.
  ACCOUNT_SUSPENDED: 'permission',
  // Sign-in of an account its owner deleted: final, there is nothing to lift.
  ACCOUNT_DELETED: 'permission',
  SIGNATURE_INVALID: 'permission',
  SIGNATURE_EXPIRED: 'permission',
  NOT_FOUND: 'not-found',
  METHOD_NOT_SUPPORTED: 'other',
  USERNAME_TAKEN: 'conflict',
  EMAIL_TAKEN: 'conflict',
  CONFLICT: 'conflict',
  UPLOAD_INCOMPLETE: 'conflict',
  MEDIA_NOT_READY: 'conflict',
  UPLOAD_EXPIRED: 'not-found',
  RATE_LIMITED: 'rate-limit',
  INTERNAL: 'server',
  // Retryable later (the answer says when, in `retryAfter`), not by sending again at once.
  UNAVAILABLE: 'server',
  STORAGE_FULL: 'server',
  // The server cannot run its video tools: an operator must fix them; photos still go up.
  VIDEO_TOOLS_UNAVAILABLE: 'server',
} as const satisfies Record<ErrorCode, Family>;

/** A code the Aperture server can send. */
export type ServerErrorCode = ErrorCode;

/** The code of an {@link ApertureError}: a server code, or `NETWORK_ERROR` when no answer came back. */
export type ApertureErrorCode = ServerErrorCode | 'NETWORK_ERROR';

export function isServerErrorCode(value: unknown): value is ServerErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_FAMILIES, value);
}

/**
 * The code to use when the server answered with no code we know (a newer server, or a proxy in
 * front of it): the generic code of the HTTP status class.
 */
export function codeForStatus(status: number): ServerErrorCode {
  if (status === 400) return 'VALIDATION_FAILED';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 405) return 'METHOD_NOT_SUPPORTED';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 502 || status === 503 || status === 504) return 'UNAVAILABLE';
  if (status === 507) return 'STORAGE_FULL';
  if (status >= 500 || status < 400) return 'INTERNAL';
  return 'VALIDATION_FAILED';
}
