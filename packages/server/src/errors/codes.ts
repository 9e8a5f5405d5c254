/**
 * The one table of Aperture error codes. Every error a client can see carries one of these codes;
 * the HTTP status and tRPC code follow from it. Codes are part of the public API: never rename one.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, trpc: 'BAD_REQUEST', message: 'The input is not valid.' },
  MALFORMED_REQUEST: { status: 400, trpc: 'PARSE_ERROR', message: 'The request body could not be parsed.' },
  UNAUTHENTICATED: { status: 401, trpc: 'UNAUTHORIZED', message: 'Sign in to do this.' },
  INVALID_CREDENTIALS: { status: 401, trpc: 'UNAUTHORIZED', message: 'Wrong username or password.' },
  FORBIDDEN: { status: 403, trpc: 'FORBIDDEN', message: 'You are not allowed to do this.' },
  ACCOUNT_SUSPENDED: {
    status: 403,
    trpc: 'FORBIDDEN',
    message: "This account is suspended by the instance's moderators; it cannot sign in.",
  },
  ACCOUNT_DELETED: {
    status: 403,
    trpc: 'FORBIDDEN',
    message: 'This account was deleted by its owner; it cannot sign in.',
  },
  SIGNATURE_INVALID: { status: 403, trpc: 'FORBIDDEN', message: 'The signed URL is invalid.' },
  SIGNATURE_EXPIRED: { status: 403, trpc: 'FORBIDDEN', message: 'The signed URL has expired.' },
  NOT_FOUND: { status: 404, trpc: 'NOT_FOUND', message: 'Not found.' },
  METHOD_NOT_SUPPORTED: { status: 405, trpc: 'METHOD_NOT_SUPPORTED', message: 'Method not supported.' },
  USERNAME_TAKEN: { status: 409, trpc: 'CONFLICT', message: 'That username is taken.' },
  EMAIL_TAKEN: { status: 409, trpc: 'CONFLICT', message: 'That email is already registered.' },
  CONFLICT: { status: 409, trpc: 'CONFLICT', message: 'The request conflicts with the current state.' },
  PAYLOAD_TOO_LARGE: { status: 413, trpc: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' },
  BATCH_TOO_LARGE: {
    status: 413,
    trpc: 'PAYLOAD_TOO_LARGE',
    message: 'The batch holds more calls than the server takes in one request; send fewer per request.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    trpc: 'UNSUPPORTED_MEDIA_TYPE',
    message:
      'This file type is not accepted: upload a JPEG, PNG, WebP, AVIF or GIF image, or an MP4, MOV, WebM or Matroska video.',
  },
  FILE_TOO_LARGE: { status: 413, trpc: 'PAYLOAD_TOO_LARGE', message: 'The file is larger than the limit.' },
  IMAGE_TOO_LARGE: { status: 422, trpc: 'UNPROCESSABLE_CONTENT', message: 'The image has more pixels than the limit.' },
  IMAGE_CORRUPT: { status: 422, trpc: 'UNPROCESSABLE_CONTENT', message: 'The image is damaged or truncated.' },
  UPLOAD_SIZE_MISMATCH: {
    status: 422,
    trpc: 'UNPROCESSABLE_CONTENT',
    message: 'The uploaded file does not have the declared size.',
  },
  UPLOAD_HASH_MISMATCH: {
    status: 422,
    trpc: 'UNPROCESSABLE_CONTENT',
    message: 'The uploaded file does not match the declared SHA-256.',
  },
  UPLOAD_INCOMPLETE: {
    status: 409,
    trpc: 'CONFLICT',
    message: 'Some of the upload is missing; send it, then complete.',
  },
  UPLOAD_EXPIRED: { status: 410, trpc: 'NOT_FOUND', message: 'The upload expired; start a new one.' },
  VIDEO_TOOLS_UNAVAILABLE: {
    status: 503,
    trpc: 'SERVICE_UNAVAILABLE',
    message: 'Video uploads are disabled on this server: its video tools are missing or broken.',
  },
  VIDEO_CORRUPT: { status: 422, trpc: 'UNPROCESSABLE_CONTENT', message: 'The video is damaged or truncated.' },
  VIDEO_NO_VIDEO_STREAM: {
    status: 422,
    trpc: 'UNPROCESSABLE_CONTENT',
    message: 'The file holds no video stream (only audio, or a still image).',
  },
  VIDEO_TOO_LONG: { status: 422, trpc: 'UNPROCESSABLE_CONTENT', message: 'The video is longer than the limit.' },
  VIDEO_TOO_LARGE: {
    status: 422,
    trpc: 'UNPROCESSABLE_CONTENT',
    message: 'The video frame is larger than the limit (4096 pixels on the long side).',
  },
  VIDEO_UNSUPPORTED: {
    status: 422,
    trpc: 'UNPROCESSABLE_CONTENT',
    message: 'The video uses a codec, frame rate or stream layout this server does not accept.',
  },
  CONTENT_REJECTED: {
    status: 422,
    trpc: 'UNPROCESSABLE_CONTENT',
    message: 'This text contains a term this server does not accept; change it and try again.',
  },
  MEDIA_BLOCKED: {
    status: 422,
    trpc: 'UNPROCESSABLE_CONTENT',
    message: "The media was refused by this server's content rules.",
  },
  MEDIA_NOT_READY: { status: 409, trpc: 'CONFLICT', message: 'The media is still being processed.' },
  RATE_LIMITED: { status: 429, trpc: 'TOO_MANY_REQUESTS', message: 'Too many attempts; wait and try again.' },
  INTERNAL: { status: 500, trpc: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' },
  UNAVAILABLE: { status: 503, trpc: 'INTERNAL_SERVER_ERROR', message: 'A backing service is unavailable.' },
  STORAGE_FULL: {
    status: 507,
    trpc: 'SERVICE_UNAVAILABLE',
    message: 'The server is out of storage space; try again later.',
  },
} as const;

/**
 * Seconds a client should wait before retrying, for the codes that are retryable by nature; an
 * AppError of these codes carries it as `retryAfter` (and `Retry-After`) unless it names its own.
 * A dropped database connection is reopened by the next request, so UNAVAILABLE is short; free
 * space comes back only when an operator or the collector frees some.
 */
export const RETRY_AFTER_SECONDS: Partial<Record<keyof typeof ERROR_CODES, number>> = {
  UNAVAILABLE: 2,
  STORAGE_FULL: 60,
};

export type ErrorCode = keyof typeof ERROR_CODES;
export type TrpcErrorCode = (typeof ERROR_CODES)[ErrorCode]['trpc'];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
