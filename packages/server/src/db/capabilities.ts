/**
 * Every difference between SQLite and Postgres that code outside `db/` may need, in one object,
 * the way Kysely's adapters expose `supportsReturning` instead of `if (pg)` branches.
 *
 * Things both dialects share need no flag: `RETURNING`, `ON CONFLICT … DO UPDATE` (Kysely's
 * `onConflict`), transactional DDL, and the row shapes of `schema.ts`.
 */
export interface DialectCapabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** `FOR UPDATE` exists (Postgres). SQLite has no row locks: its single writer serialises instead. */
  readonly supportsRowLocks: boolean;
  /** `FOR UPDATE SKIP LOCKED`, so several workers can claim jobs without blocking each other. */
  readonly supportsSkipLocked: boolean;
  /**
   * Transactions can run side by side. On SQLite one connection is shared by the whole process and a
   * transaction holds it until it ends: inside `transaction().execute(trx => …)` use `trx` only —
   * a query on the outer `db` waits for the transaction and so deadlocks.
   */
  readonly concurrentTransactions: boolean;
  /** Most bound parameters one statement may carry; batch inserts must stay below it. */
  readonly maxBindParameters: number;
  /** Operator for a case-insensitive pattern match (SQLite's LIKE folds ASCII only). */
  readonly caseInsensitiveLike: 'ilike' | 'like';
  /** Column type names for migrations, so one migration runs on both dialects. */
  readonly types: {
    /** 64-bit ids. Columns holding ids must be named `id` or end in `_id` (see result-plugin.ts). */
    readonly id: 'bigint';
    /** ISO-8601 instants; TEXT on SQLite, where ISO strings with `Z` sort in time order. */
    readonly timestamp: 'timestamptz' | 'text';
    readonly text: 'text';
    /** 32-bit-or-wider integers that come back as numbers (flags, counters). */
    readonly integer: 'integer' | 'bigint';
    /** Floating point (coordinates, ratios). */
    readonly float: 'double precision' | 'real';
  };
  /** The unique constraint `err` broke, or null if `err` is not a unique violation. */
  isUniqueViolation(err: unknown): UniqueViolation | null;
  isForeignKeyViolation(err: unknown): boolean;
}

/**
 * Which unique key a write collided with. `columns` is filled on both dialects, so callers tell
 * keys apart by column (`columns.includes('email_key')`); `constraint` is the index name, which only
 * Postgres reports for a column index.
 */
export interface UniqueViolation {
  table: string | undefined;
  columns: string[];
  constraint: string | undefined;
}

export const sqliteCapabilities: DialectCapabilities = Object.freeze({
  dialect: 'sqlite',
  supportsRowLocks: false,
  supportsSkipLocked: false,
  concurrentTransactions: false,
  // SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32.
  maxBindParameters: 32_766,
  caseInsensitiveLike: 'like',
  types: Object.freeze({ id: 'bigint', timestamp: 'text', text: 'text', integer: 'integer', float: 'real' }),
  isUniqueViolation: sqliteUniqueViolation,
  isForeignKeyViolation: (err: unknown) => errorCode(err) === 'SQLITE_CONSTRAINT_FOREIGNKEY',
} as const);

export const postgresCapabilities: DialectCapabilities = Object.freeze({
  dialect: 'postgres',
  supportsRowLocks: true,
  supportsSkipLocked: true,
  concurrentTransactions: true,
  // The wire protocol counts parameters in an Int16.
  maxBindParameters: 65_535,
  caseInsensitiveLike: 'ilike',
  types: Object.freeze({
    id: 'bigint',
    timestamp: 'timestamptz',
    text: 'text',
    integer: 'integer',
    float: 'double precision',
  }),
  isUniqueViolation: postgresUniqueViolation,
  isForeignKeyViolation: (err: unknown) => errorCode(err) === '23503',
} as const);

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
}

function stringProp(err: object, key: string): string | undefined {
  const value = (err as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

// better-sqlite3 reports a primary-key clash as its own code, but it is the same kind of collision.
const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

function sqliteUniqueViolation(err: unknown): UniqueViolation | null {
  const code = errorCode(err);
  if (typeof code !== 'string' || !SQLITE_UNIQUE_CODES.has(code) || !(err instanceof Error)) {
    return null;
  }
  // "UNIQUE constraint failed: users.username_key" (or "t.a, t.b"); an index on an expression is
  // reported as "UNIQUE constraint failed: index 'name'".
  const detail = err.message.replace(/^UNIQUE constraint failed:\s*/, '');
  const index = /^index '(.+)'$/.exec(detail);
  if (index) return { table: undefined, columns: [], constraint: index[1] };
  const qualified = detail.split(',').map((part) => part.trim());
  const table = qualified[0]?.split('.')[0];
  const columns = qualified.map((part) => part.slice(part.indexOf('.') + 1)).filter(Boolean);
  return { table, columns, constraint: undefined };
}

function postgresUniqueViolation(err: unknown): UniqueViolation | null {
  if (errorCode(err) !== '23505' || typeof err !== 'object' || err === null) return null;
  // detail: "Key (username_key)=(ana) already exists." — the value may contain anything, so stop at
  // the first ")=(".
  const key = /^Key \((.*?)\)=\(/.exec(stringProp(err, 'detail') ?? '');
  return {
    table: stringProp(err, 'table'),
    columns: key?.[1] ? key[1].split(', ') : [],
    constraint: stringProp(err, 'constraint'),
  };
}
