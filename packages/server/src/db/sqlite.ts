import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect } from 'kysely';

import { ResultNormaliserPlugin } from './result-plugin.js';
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

class AtomicMigrationsSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
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
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return new Kysely<Database>({
    dialect: new AtomicMigrationsSqliteDialect({ database: sqlite }),
    plugins: [new ResultNormaliserPlugin()],
  });
}
