import type { ErrorCode } from './codes.js';

/**
 * An error a feature raises for a reason the caller should hear, with its code from the table and
 * a message written for the caller ("12000 × 9000 is over the 50 MP limit"). The central mapper
 * passes both on without knowing the feature; a plain AppError is the other way to say the same,
 * for code that needs no class of its own to tell its failures apart.
 */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
