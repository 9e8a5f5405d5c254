import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@aperture/server';
import { ERROR_FAMILIES, type ServerErrorCode } from './error-codes.js';
import { createApertureError, toApertureError } from './error-mapping.js';
import {
  ApertureError,
  AuthenticationError,
  ConflictError,
  MediaRejectedError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  ValidationError,
} from './errors.js';

const EXPECTED: Record<ServerErrorCode, typeof ApertureError> = {
  VALIDATION_FAILED: ValidationError,
  MALFORMED_REQUEST: ValidationError,
  PAYLOAD_TOO_LARGE: ValidationError,
  BATCH_TOO_LARGE: ValidationError,
  CONTENT_REJECTED: ValidationError,
  UNSUPPORTED_MEDIA_TYPE: MediaRejectedError,
  FILE_TOO_LARGE: MediaRejectedError,
  IMAGE_TOO_LARGE: MediaRejectedError,
  IMAGE_CORRUPT: MediaRejectedError,
  UPLOAD_SIZE_MISMATCH: MediaRejectedError,
  UPLOAD_HASH_MISMATCH: MediaRejectedError,
  VIDEO_CORRUPT: MediaRejectedError,
  VIDEO_NO_VIDEO_STREAM: MediaRejectedError,
  VIDEO_TOO_LONG: MediaRejectedError,
  VIDEO_TOO_LARGE: MediaRejectedError,
  VIDEO_UNSUPPORTED: MediaRejectedError,
  MEDIA_BLOCKED: MediaRejectedError,
  UNAUTHENTICATED: AuthenticationError,
  INVALID_CREDENTIALS: AuthenticationError,
  FORBIDDEN: PermissionError,
  ACCOUNT_SUSPENDED: PermissionError,
  ACCOUNT_DELETED: PermissionError,
  SIGNATURE_INVALID: PermissionError,
  SIGNATURE_EXPIRED: PermissionError,
  NOT_FOUND: NotFoundError,
  METHOD_NOT_SUPPORTED: ApertureError,
  USERNAME_TAKEN: ConflictError,
  EMAIL_TAKEN: ConflictError,
  CONFLICT: ConflictError,
  UPLOAD_INCOMPLETE: ConflictError,
  MEDIA_NOT_READY: ConflictError,
  UPLOAD_EXPIRED: NotFoundError,
  RATE_LIMITED: RateLimitError,
  INTERNAL: ServerError,
  UNAVAILABLE: ServerError,
  STORAGE_FULL: ServerError,
  VIDEO_TOOLS_UNAVAILABLE: ServerError,
};

describe('error classes', () => {
  it('knows every code of the server table', () => {
    expect(Object.keys(ERROR_FAMILIES).sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it.each(Object.entries(EXPECTED))('maps %s to its family class', (code, ErrorClass) => {
    const error = createApertureError(code as ServerErrorCode, 'm', { status: 400 });
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(ApertureError);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.code).toBe(code);
  });

  it('falls back to the HTTP status for a code it does not know', () => {
    const cause = TRPCClientError.from({
      error: { code: -32600, message: 'Newer.', data: { httpStatus: 404, appCode: 'POST_GONE' } },
    });
    const error = toApertureError(cause, 'http://x');
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('Newer.');
  });

  it('maps a failure with no answer to a NetworkError', () => {
    const error = toApertureError(
      new TRPCClientError('fetch failed', { cause: new TypeError('fetch failed') }),
      'http://x',
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe('NETWORK_ERROR');
  });
});
