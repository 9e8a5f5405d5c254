import { TRPCClientError } from '@trpc/client';
import { ERROR_FAMILIES, codeForStatus, isServerErrorCode, type ServerErrorCode } from './error-codes.js';
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
  type ApertureErrorOptions,
  type ValidationIssue,
} from './errors.js';
import { HttpStatusError, parseRetryAfter } from './http.js';

const CLASS_BY_FAMILY = {
  validation: ValidationError,
  authentication: AuthenticationError,
  permission: PermissionError,
  'not-found': NotFoundError,
  conflict: ConflictError,
  'rate-limit': RateLimitError,
  'media-rejected': MediaRejectedError,
  server: ServerError,
  other: ApertureError,
} as const;

/** Builds the error class of the code's family. */
export function createApertureError(
  code: ServerErrorCode,
  message: string,
  options: ApertureErrorOptions,
): ApertureError {
  const ErrorClass = CLASS_BY_FAMILY[ERROR_FAMILIES[code]];
  return new ErrorClass(code, message, options);
}

/**
 * Turns anything a tRPC call throws into an {@link ApertureError}: the server's error JSON when
 * there is one, else the HTTP status, else a {@link NetworkError}.
 */
export function toApertureError(error: unknown, serverUrl: string): ApertureError {
  if (error instanceof ApertureError) return error;
  if (!(error instanceof TRPCClientError)) {
    return new NetworkError('NETWORK_ERROR', describeFailure(serverUrl, error), {
      status: 0,
      cause: error,
    });
  }
  const data = asRecord(error.data);
  const cause: unknown = error.cause;
  const response = responseOf(error.meta);
  const status =
    numberOr(data?.['httpStatus']) ??
    (cause instanceof HttpStatusError ? cause.status : undefined) ??
    response?.status ??
    0;
  const path = typeof data?.['path'] === 'string' ? data['path'] : undefined;
  if (status === 0) {
    return new NetworkError('NETWORK_ERROR', describeFailure(serverUrl, cause ?? error), {
      status: 0,
      path,
      cause: error,
    });
  }
  const appCode = data?.['appCode'];
  const code = isServerErrorCode(appCode) ? appCode : codeForStatus(status);
  const retryAfter =
    numberOr(data?.['retryAfter']) ??
    (cause instanceof HttpStatusError ? cause.retryAfter : undefined) ??
    parseRetryAfter(response?.headers.get('retry-after') ?? null);
  return createApertureError(code, error.message, {
    status,
    issues: issuesOf(data?.['issues']),
    retryAfter,
    path,
    cause: error,
  });
}

function describeFailure(serverUrl: string, cause: unknown): string {
  if (cause instanceof Error && cause.name === 'AbortError') return 'The request was aborted.';
  const detail = networkDetail(cause);
  return `Could not reach the Aperture server at ${serverUrl}${detail ? ` (${detail})` : ''}.`;
}

/** Node's fetch says only "fetch failed"; the useful part (ECONNREFUSED…) is in its cause. */
function networkDetail(cause: unknown): string | undefined {
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (current.cause === undefined) return current.message;
    current = current.cause;
  }
  return undefined;
}

function issuesOf(value: unknown): ValidationIssue[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): ValidationIssue[] => {
    const issue = asRecord(item);
    if (!issue) return [];
    const path = Array.isArray(issue['path'])
      ? issue['path'].filter((p): p is string | number => typeof p === 'string' || typeof p === 'number')
      : [];
    return [
      {
        path,
        code: typeof issue['code'] === 'string' ? issue['code'] : 'invalid',
        message: typeof issue['message'] === 'string' ? issue['message'] : 'Invalid value.',
      },
    ];
  });
}

function responseOf(meta: unknown): Response | undefined {
  const response = asRecord(meta)?.['response'];
  return response instanceof Response ? response : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
