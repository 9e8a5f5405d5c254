import { ERROR_CODES, RETRY_AFTER_SECONDS, type ErrorCode } from './codes.js';

/** A validation problem in the wire shape clients receive (a subset of zod's issue). */
export interface ValidationIssue {
  path: (string | number)[];
  code: string;
  message: string;
}

/**
 * An error Aperture means to show to the caller. Anything thrown that is not an AppError is
 * treated as a bug and surfaces as INTERNAL with no details.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly issues: ValidationIssue[] | undefined;
  /** Seconds the caller should wait before retrying (RATE_LIMITED, UNAVAILABLE, STORAGE_FULL). */
  readonly retryAfter: number | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { cause?: unknown; issues?: ValidationIssue[]; retryAfter?: number } = {},
  ) {
    super(message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.code = code;
    this.issues = options.issues;
    this.retryAfter = options.retryAfter ?? RETRY_AFTER_SECONDS[code];
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
