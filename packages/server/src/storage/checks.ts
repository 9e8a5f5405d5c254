import type { ByteRange, CompletedPart } from './blob-store.js';
import { InvalidPartError, RangeNotSatisfiableError } from './errors.js';

export const MIN_PART_NUMBER = 1;
export const MAX_PART_NUMBER = 10_000;

/** A malformed range is a caller bug (the HTTP layer ignores bad Range headers), not a 416. */
export function assertWellFormedRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError(`Invalid range start: ${start}`);
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new RangeError(`Invalid range end: ${end}`);
  }
}

/** Clamps `end` to the object as S3 does; a start at or past the end is unsatisfiable. */
export function resolveRange(key: string, range: ByteRange, size: number): { start: number; end: number } {
  assertWellFormedRange(range);
  if (range.start >= size) throw new RangeNotSatisfiableError(key, size);
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}

export function assertPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < MIN_PART_NUMBER || partNumber > MAX_PART_NUMBER) {
    throw new RangeError(`Part number must be an integer in ${MIN_PART_NUMBER}..${MAX_PART_NUMBER}: ${partNumber}`);
  }
}

/** ETags compare without quotes and case, as S3 does when completing an upload. */
export function normalizeEtag(etag: string): string {
  return etag.replaceAll('"', '').toLowerCase();
}

/** Parts must be listed once each, in ascending order (S3's InvalidPartOrder). */
export function assertCompletableParts(uploadId: string, parts: readonly CompletedPart[]): void {
  if (parts.length === 0) throw new InvalidPartError(uploadId, undefined, 'no parts listed');
  let previous = 0;
  for (const part of parts) {
    assertPartNumber(part.partNumber);
    if (part.partNumber <= previous) {
      throw new InvalidPartError(uploadId, part.partNumber, 'parts must be listed once each, in ascending order');
    }
    previous = part.partNumber;
  }
}
