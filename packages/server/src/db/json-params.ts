import { sql, type RawBuilder } from 'kysely';
import { isCanonicalId } from '../ids/canonical.js';
import type { DialectCapabilities } from './capabilities.js';

/**
 * Many values sent as one JSON parameter instead of one bound parameter each: a statement then has
 * one text whatever the number of values (one prepared statement, no bind-parameter limit), and
 * SQLite reads the JSON faster than it binds dozens of parameters. Ids are written as JSON numbers,
 * which both databases read as exact 64-bit integers; a value that is not a canonical id names no
 * row, so it is left out rather than allowed to break the JSON.
 */

/** Ids as the one JSON array parameter `json_each` reads (`[1,2,3]`). */
export function jsonIdList(ids: readonly unknown[]): string {
  return `[${ids.filter(isCanonicalId).join(',')}]`;
}

/**
 * A derived table of `(id, at)` rows — an id and an ISO-8601 instant — read from one JSON
 * parameter, for `update … from ${idTimeRows(caps, pairs)} as v where t.id = v.id`. The one
 * statement text runs on both dialects; only the table function differs: `json_each` on SQLite,
 * `jsonb_array_elements` with the columns cast to the table's types on Postgres.
 */
export function idTimeRows(
  caps: Pick<DialectCapabilities, 'dialect'>,
  pairs: Iterable<readonly [id: string, at: string]>,
): RawBuilder<unknown> {
  const rows = Array.from(pairs)
    .filter(([id]) => isCanonicalId(id))
    .map(([id, at]) => `[${id},${JSON.stringify(at)}]`);
  const json = `[${rows.join(',')}]`;
  return caps.dialect === 'sqlite'
    ? sql`(select j.value ->> 0 as id, j.value ->> 1 as at from json_each(${json}) as j)`
    : sql`(select (e ->> 0)::bigint as id, (e ->> 1)::timestamptz as at
           from jsonb_array_elements(${json}::jsonb) as e)`;
}
