import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors/app-error.js';
import { decodeCursor, encodeCursor } from './pagination.js';

const forged = (text: string) => Buffer.from(text).toString('base64url');

describe('cursors', () => {
  it('round-trips any id, up to the largest 64-bit one', () => {
    for (const id of ['0', '7', '9007199254740993', '9223372036854775807']) {
      expect(decodeCursor(encodeCursor(id))).toBe(id);
    }
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it('refuses a forged cursor with a clear validation error, never a 500', () => {
    for (const bad of [
      forged('v1:007'),
      forged('v1:9223372036854775808'),
      forged('v1:99999999999999999999'),
      forged('v1:x'),
      'garbage',
    ]) {
      const error = (() => {
        try {
          decodeCursor(bad);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('VALIDATION_FAILED');
    }
  });
});
