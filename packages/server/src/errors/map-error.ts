import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { AppError, type ValidationIssue } from './app-error.js';
import { ERROR_CODES, type ErrorCode } from './codes.js';
import { infrastructureFault } from './infrastructure-faults.js';
import { CodedError } from './coded-error.js';
import {
  BlobNotFoundError,
  PayloadTooLargeError,
  SignatureExpiredError,
  SignatureInvalidError,
} from '../storage/errors.js';

/** tRPC's own failures (bad path, bad method, unparseable input) mapped onto our table. */
const FROM_TRPC: Partial<Record<TRPCError['code'], ErrorCode>> = {
  PARSE_ERROR: 'MALFORMED_REQUEST',
  BAD_REQUEST: 'MALFORMED_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_SUPPORTED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
};

/** tRPC's message for a batch over `maxBatchSize` (the e2e tests hold it to tRPC's wording). */
const TRPC_BATCH_TOO_LARGE = /^Batch call exceeds maximum size/;

export function zodIssues(error: ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    code: issue.code,
    message: issue.message,
  }));
}

/**
 * The one mapping from anything thrown to what a client may see. Unknown errors become INTERNAL
 * with the generic message: their text may hold SQL, paths or stack details.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof TRPCError) {
    if (error.cause instanceof AppError) return error.cause;
    if (error.cause instanceof ZodError) return validationFailed(zodIssues(error.cause));
    // tRPC refuses a batch over `maxBatchSize` with a plain BAD_REQUEST; its message is the only
    // thing that tells it apart, and a client can act on it (split the batch), so it gets a code.
    if (error.code === 'BAD_REQUEST' && TRPC_BATCH_TOO_LARGE.test(error.message))
      return new AppError('BATCH_TOO_LARGE');
    const code = FROM_TRPC[error.code];
    if (code) {
      // tRPC's own messages describe the request, never server internals, so they are safe to pass on.
      return new AppError(code, error.message || undefined);
    }
    if (error.cause !== undefined && error.cause !== error) return toAppError(error.cause);
    return new AppError('INTERNAL', undefined, { cause: error });
  }
  if (error instanceof ZodError) return validationFailed(zodIssues(error));
  // A feature's own error (an image the pipeline rejects, …): its message is written for the caller.
  if (error instanceof CodedError) return new AppError(error.code, error.message, { cause: error });
  if (error instanceof BlobNotFoundError) return new AppError('NOT_FOUND', undefined, { cause: error });
  if (error instanceof SignatureExpiredError) return new AppError('SIGNATURE_EXPIRED', undefined, { cause: error });
  if (error instanceof SignatureInvalidError) return new AppError('SIGNATURE_INVALID', undefined, { cause: error });
  if (error instanceof PayloadTooLargeError) return new AppError('PAYLOAD_TOO_LARGE', undefined, { cause: error });
  // A full disk or a dropped connection is the deployment's state, not a bug: say so, retryably.
  const fault = infrastructureFault(error);
  if (fault === 'storage-full') return new AppError('STORAGE_FULL', undefined, { cause: error });
  if (fault === 'unavailable') return new AppError('UNAVAILABLE', undefined, { cause: error });
  return new AppError('INTERNAL', undefined, { cause: error });
}

export function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: ERROR_CODES[error.code].trpc, message: error.message, cause: error });
}

/** VALIDATION_FAILED for these issues, its message naming the first: a schema's and the text rule's alike. */
export function validationFailed(issues: ValidationIssue[]): AppError {
  const first = issues[0];
  if (!first) return new AppError('VALIDATION_FAILED', undefined, { issues });
  const where = first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new AppError('VALIDATION_FAILED', `${where}${first.message}${more}`, { issues });
}

/** The error body of non-tRPC routes (uploads, media, health): `{ error: { code, message } }`. */
export function restErrorBody(error: AppError): {
  error: { code: ErrorCode; message: string; issues?: ValidationIssue[] };
} {
  return { error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } };
}
