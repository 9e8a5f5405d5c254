import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { CodedError } from './coded-error.js';
import { ERROR_CODES } from './codes.js';
import { toAppError, toTRPCError } from './map-error.js';
import { BlobNotFoundError, BlobStoreUnavailableError, StorageFullError } from '../storage/errors.js';
import { mapS3Error, mapS3WriteError } from '../storage/s3/errors.js';

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

  it("passes a feature's coded error on with its code and its message, wrapped by tRPC or not", () => {
    // A feature error the mapper has never heard of: the mapper must not need to import features.
    class TooManyPixelsError extends CodedError {
      constructor() {
        super('IMAGE_TOO_LARGE', 'This picture is 12000 × 9000, over the 50 MP limit.');
      }
    }
    for (const thrown of [
      new TooManyPixelsError(),
      new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: new TooManyPixelsError() }),
    ]) {
      const error = toAppError(thrown);
      expect(error.code).toBe('IMAGE_TOO_LARGE');
      expect(error.message).toBe('This picture is 12000 × 9000, over the 50 MP limit.');
      expect(error.status).toBe(ERROR_CODES.IMAGE_TOO_LARGE.status);
    }
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

  it('maps no room to write to STORAGE_FULL, retryable after a minute', () => {
    const errno = (code: string) => Object.assign(new Error(`${code}: no space left on device, write`), { code });
    for (const full of [
      errno('ENOSPC'),
      errno('EDQUOT'),
      Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
      Object.assign(new Error('could not extend file'), { code: '53100' }),
      new StorageFullError(),
      // Wrapped, as tRPC and the stores wrap causes.
      new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: new Error('copy failed', { cause: errno('ENOSPC') }) }),
    ]) {
      const app = toAppError(full);
      expect(app).toMatchObject({ code: 'STORAGE_FULL', status: 507, retryAfter: 60 });
      expect(app.message).toBe(ERROR_CODES.STORAGE_FULL.message);
    }
  });

  it('maps a dropped or refused connection, or a transaction that lost a conflict, to UNAVAILABLE, retryable after two seconds', () => {
    for (const down of [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      Object.assign(new Error('deadlock detected'), { code: '40P01' }),
      Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
      new BlobStoreUnavailableError('store k'),
    ]) {
      expect(toAppError(down)).toMatchObject({ code: 'UNAVAILABLE', status: 503, retryAfter: 2 });
    }
    // Not every database error is the connection's.
    expect(toAppError(Object.assign(new Error('duplicate key'), { code: '23505' })).code).toBe('INTERNAL');
  });

  it("maps S3's answers: full (MinIO, quotas) is STORAGE_FULL, a 5xx or a failed write UNAVAILABLE", () => {
    const s3 = (name: string, status: number) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    expect(toAppError(mapS3Error(s3('XMinioStorageFull', 507), { key: 'k' })).code).toBe('STORAGE_FULL');
    expect(toAppError(mapS3Error(s3('QuotaExceeded', 403), { key: 'k' })).code).toBe('STORAGE_FULL');
    expect(toAppError(mapS3Error(s3('SlowDown', 503), { key: 'k' })).code).toBe('UNAVAILABLE');
    expect(toAppError(mapS3Error(s3('AccessDenied', 403), { key: 'k' })).code).toBe('INTERNAL');
    // A write that failed for any reason stored nothing: the store is unavailable for writing.
    expect(toAppError(mapS3WriteError(s3('AccessDenied', 403), 'k')).code).toBe('UNAVAILABLE');
    expect(toAppError(mapS3WriteError(s3('XMinioStorageFull', 507), 'k')).code).toBe('STORAGE_FULL');
  });

  it('keeps tRPC status codes consistent with the table', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      const trpc = toTRPCError(new AppError(code as keyof typeof ERROR_CODES));
      expect(trpc.code).toBe(entry.trpc);
    }
  });
});
