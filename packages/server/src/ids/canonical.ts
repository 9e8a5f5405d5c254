/**
 * What an id looks like outside the database: the decimal form of a signed 64-bit integer as
 * the server writes it. No sign (ids are never negative), no leading zeros ("0" itself is one:
 * the generator's first id on node 0 at the epoch millisecond, and the stream position before any
 * notification), at most 2^63 − 1 (BIGINT's largest value, which Postgres would refuse to compare
 * beyond and SQLite would compare as a float). Anything else names no row, so it is refused before
 * it reaches a query. `ID_PATTERN` is the digits' half of the rule, `isCanonicalId` all of it.
 */
export const ID_PATTERN = /^(0|[1-9][0-9]{0,18})$/;
const MAX_INT64 = 9_223_372_036_854_775_807n;

/** The largest id: `id < MAX_ID` puts no upper bound on a query that pages below an id. */
export const MAX_ID = MAX_INT64.toString();

/** Is this exactly an id as the server writes it (so SQLite and Postgres both read it losslessly)? */
export function isCanonicalId(value: unknown): value is string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) return false;
  // Up to 18 digits is always below 2^63; only a 19-digit one needs the exact comparison. Hot:
  // every id list a query binds passes through here.
  return value.length < MAX_ID_DIGITS || BigInt(value) <= MAX_INT64;
}

const MAX_ID_DIGITS = 19;

/**
 * Orders two canonical ids numerically without parsing them: no leading zeros, so the longer is the
 * larger, and among equal lengths the decimal strings order as the numbers do. For ids as the
 * database returns them (sorting a page's candidates compares each a few times; BigInts cost more).
 */
export function compareCanonicalIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
