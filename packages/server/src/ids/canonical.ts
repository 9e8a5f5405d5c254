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
  return typeof value === 'string' && ID_PATTERN.test(value) && BigInt(value) <= MAX_INT64;
}
