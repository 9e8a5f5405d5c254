import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, Driver, SqliteDatabase, SqliteDialectConfig } from 'kysely';

import { IdParamsPlugin } from './id-params-plugin.js';
import { normaliseRows, ResultNormaliserPlugin } from './result-plugin.js';
import type { Database } from './schema.js';

export const IN_MEMORY = ':memory:';

/**
 * SQLite runs DDL inside transactions perfectly well, but Kysely's adapter says it does not, so its
 * Migrator would apply migrations outside any transaction and a failure halfway would leave a
 * half-built schema behind. Claiming support makes each `migrateToLatest` all-or-nothing, as on
 * Postgres. (A future migration that rebuilds a table must use `PRAGMA defer_foreign_keys`, since
 * `foreign_keys` cannot be switched inside a transaction.)
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * When a commit fails with SQLITE_FULL (or an I/O error), SQLite may already have rolled the
 * transaction back; Kysely's ROLLBACK then fails with "no transaction is active", and that error
 * would replace the one that says the disk is full. Roll back only what is still open.
 */
class RollbackIfOpenSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly sqlite: BetterSqlite3.Database,
  ) {
    super(config);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.sqlite.inTransaction) await super.rollbackTransaction(connection);
  }
}

class AtomicMigrationsSqliteDialect extends SqliteDialect {
  constructor(
    private readonly options: SqliteDialectConfig,
    private readonly sqlite: BetterSqlite3.Database,
  ) {
    super(options);
  }

  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  override createDriver(): Driver {
    return new RollbackIfOpenSqliteDriver(this.options, this.sqlite);
  }
}

/** Opens (creating if needed) the database file. `:memory:` is for unit tests only. */
export function openSqlite(path: string): Kysely<Database> {
  if (path !== IN_MEMORY) mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  try {
    // Every INTEGER comes back as BigInt so 64-bit ids stay exact; result-plugin.ts converts.
    sqlite.defaultSafeIntegers(true);
    const mode = sqlite.pragma('journal_mode = WAL', { simple: true });
    if (path !== IN_MEMORY && mode !== 'wal') {
      throw new Error(`SQLite at ${path} refused WAL mode (journal_mode is ${String(mode)})`);
    }
    // FULL, not WAL's usual NORMAL: NORMAL may lose the last commits on power loss, and an
    // acknowledged write must survive that.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    // Other processes (an admin CLI, a backup) may hold the write lock briefly; wait, do not fail.
    sqlite.pragma('busy_timeout = 5000');
    // 64 MiB of page cache instead of SQLite's 2 MiB default: a feed page touches a few hundred
    // scattered pages, and every miss is a read syscall. Grows only as pages are used.
    sqlite.pragma('cache_size = -65536');
  } catch (err) {
    sqlite.close();
    throw err;
  }
  const statements = withStatementCache(sqlite);
  const db = new Kysely<Database>({
    dialect: new AtomicMigrationsSqliteDialect({ database: statements }, sqlite),
    plugins: [new IdParamsPlugin(), new ResultNormaliserPlugin()],
  });
  directReads.set(db, { sqlite, statements });
  return db;
}

const directReads = new WeakMap<Kysely<Database>, { sqlite: BetterSqlite3.Database; statements: StatementCache }>();

/**
 * Runs a compiled read on `db`'s connection at once, as Kysely's driver would but without its
 * asynchronous layers (connection mutex, provider, result plugins: ~10 µs a query, and a feed page
 * runs nine). Returns undefined where only Kysely's path is right: `db` is a transaction or another
 * dialect, the statement writes, a transaction is open on the connection (a read must not see its
 * uncommitted rows: it waits for the transaction as Kysely makes it), or the connection is busy
 * streaming rows. Otherwise the answer is the same: better-sqlite3 runs every statement
 * synchronously, so nothing else can run on the connection meanwhile; rows come back normalised
 * as the result plugin leaves them.
 */
export function readDirectly(
  db: Kysely<Database>,
  sql: string,
  parameters: readonly unknown[],
): Record<string, unknown>[] | undefined {
  const direct = directReads.get(db);
  if (direct === undefined || direct.sqlite.inTransaction) return undefined;
  const statement = direct.statements.prepare(sql);
  if (!statement.reader) return undefined;
  let rows: Record<string, unknown>[];
  try {
    rows = statement.all(parameters) as Record<string, unknown>[];
  } catch (error) {
    // An iterate() in progress holds the connection; Kysely's path waits its turn.
    if (error instanceof TypeError && /busy/i.test(error.message)) return undefined;
    throw error;
  }
  normaliseRows(rows);
  return rows;
}

/** How many distinct statements stay prepared (hot paths use a few dozen; `in (…)` lists add variants). */
export const STATEMENT_CACHE_SIZE = 500;

/** Kysely's view of the connection, whose statements are better-sqlite3's own. */
export interface StatementCache extends SqliteDatabase {
  prepare(sql: string): BetterSqlite3.Statement;
}

/**
 * Kysely's SQLite driver prepares every statement anew (~40 µs each, more than running a typical
 * indexed query). Statements are reusable, so this keeps the most recently used ones by SQL text.
 * Reuse is safe because the driver runs one statement at a time on its single connection; the one
 * exception, a statement still busy with `iterate()` (a stream), gets a fresh copy instead.
 */
export function withStatementCache(db: BetterSqlite3.Database, size = STATEMENT_CACHE_SIZE): StatementCache {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => db.close(),
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        // Map order is insertion order: re-inserting marks it most recently used.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = db.prepare(sql);
      if (cached) return statement;
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}
