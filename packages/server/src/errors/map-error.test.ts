import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { ERROR_CODES } from './codes.js';
import { toAppError, toTRPCError } from './map-error.js';
import { BlobNotFoundError } from '../storage/errors.js';

describe('toAppError', () => {
  it('passes AppErrors through, also when wrapped by tRPC', () => {
    const original = new AppError('USERNAME_TAKEN');
    expect(toAppError(original)).toBe(original);
    expect(toAppError(toTRPCError(original))).toBe(original);
  });

  it('turns zod failures into VALIDATION_FAILED with every issue and its path', () => {
    const result = z.object({ a: z.string().min(3), b: z.number() }).safeParse({ a: 'x', b: 'y' });
    const error = toAppError(new TRPCError({ code: 'BAD_REQUEST', cause: result.error }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues?.map((i) => i.path)).toEqual([['a'], ['b']]);
    expect(error.message).toMatch(/^a: .* \(and 1 more\)$/);
  });

  it('hides the text of anything unexpected', () => {
    const error = toAppError(new Error('SQLITE_ERROR: no such table: users at /srv/app/db.js:12'));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe(ERROR_CODES.INTERNAL.message);
    expect(toAppError(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'select * from x' })).message).toBe(
      ERROR_CODES.INTERNAL.message,
    );
  });

  it("maps tRPC's and storage's own failures onto the table", () => {
    expect(toAppError(new TRPCError({ code: 'PARSE_ERROR' })).code).toBe('MALFORMED_REQUEST');
    expect(toAppError(new TRPCError({ code: 'METHOD_NOT_SUPPORTED' })).code).toBe('METHOD_NOT_SUPPORTED');
    expect(toAppError(new BlobNotFoundError('a/b')).code).toBe('NOT_FOUND');
    // maxBatchSize's refusal is a plain BAD_REQUEST that only its message tells apart.
    expect(toAppError(new TRPCError({ code: 'BAD_REQUEST', message: 'Batch call exceeds maximum size' })).code).toBe(
      'BATCH_TOO_LARGE',
    );
    expect(toAppError(new TRPCError({ code: 'BAD_REQUEST', message: 'Something else' })).code).toBe(
      'MALFORMED_REQUEST',
    );
  });

  it('keeps tRPC status codes consistent with the table', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      const trpc = toTRPCError(new AppError(code as keyof typeof ERROR_CODES));
      expect(trpc.code).toBe(entry.trpc);
    }
  });
});
