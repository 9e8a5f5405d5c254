import { expect } from 'vitest';
import { ApertureError } from '../../src/index.js';

/** Runs `call`, expecting it to fail with an ApertureError, and returns the error. */
export async function failure(call: () => Promise<unknown>): Promise<ApertureError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApertureError);
  return error as ApertureError;
}
