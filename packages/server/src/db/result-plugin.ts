import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/**
 * Turns the BigInts both drivers are told to return (better-sqlite3 `safeIntegers`, pg int8) into the
 * row shapes of `schema.ts`. Reading every integer as BigInt first is what keeps a 64-bit id exact:
 * a driver that returned a number would already have rounded 2^53+1 before any code could see it.
 *
 * The column name decides the JS type, because neither driver tells Kysely the declared column type
 * of a result: `id` and `*_id` hold 64-bit ids and become decimal strings; every other integer
 * (flags, counters, `count(*)`) becomes a number, and one too large for a number throws rather than
 * silently rounding. So name every id column `id` or `…_id`, aliases included.
 */
export class ResultNormaliserPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    normaliseRows(args.result.rows);
    return Promise.resolve(args.result);
  }
}

/**
 * Rows are fresh objects from the driver, so converting in place is safe and allocates nothing.
 * Every row of one result has the same columns: which are ids is decided once per result, not per
 * value (a feed page converts a few thousand values).
 */
export function normaliseRows(rows: Record<string, unknown>[]): void {
  const first = rows[0];
  if (first === undefined) return;
  const columns = Object.keys(first);
  const isId = columns.map((column) => column === 'id' || column.endsWith('_id'));
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      const value = row[column];
      if (typeof value === 'bigint') row[column] = isId[i] ? value.toString() : toSafeNumber(column, value);
    }
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

function toSafeNumber(column: string, value: bigint): number {
  if (value > MAX_SAFE || value < MIN_SAFE) {
    throw new UnsafeIntegerError(column, value);
  }
  return Number(value);
}

export class UnsafeIntegerError extends Error {
  override readonly name = 'UnsafeIntegerError';

  constructor(column: string, value: bigint) {
    super(
      `Column "${column}" returned ${value}, which a JS number cannot hold exactly. ` +
        'If it is an id, name the column (or its alias) "id" or "<something>_id".',
    );
  }
}
