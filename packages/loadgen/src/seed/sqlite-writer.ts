import Database from 'better-sqlite3';
import { COLUMNS, type Batch, type TableName, type Value } from './rows.js';
import type { SeedWriter } from './writer.js';

/** Raw prepared statements in big transactions: no per-row round trips, no ORM in the way. */
export function openSqliteWriter(file: string): SeedWriter {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // A seed is rebuilt, not recovered: skip fsyncs on this connection (the server's keep FULL).
  db.pragma('synchronous = OFF');
  db.pragma('busy_timeout = 5000');
  // Rows arrive in foreign-key order (the Postgres writer, which keeps its checks, proves it):
  // skip the two index lookups per timeline and follow row that the checks would cost.
  db.pragma('foreign_keys = OFF');
  // Index pages of timeline and follows are hit all over: a big cache keeps them off the disk (512 MiB).
  db.pragma('cache_size = -524288');
  const statements = new Map<TableName, Database.Statement<Value[]>>();
  const statement = (table: TableName) => {
    let s = statements.get(table);
    if (!s) {
      // FTS5 keys its rows by rowid: the post id.
      const columns = table === 'post_search' ? ['rowid', 'caption'] : COLUMNS[table];
      s = db.prepare<Value[]>(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      statements.set(table, s);
    }
    return s;
  };
  const writeAll = db.transaction((batches: Batch[]) => {
    for (const batch of batches) {
      const insert = statement(batch.table);
      for (const row of batch.rows) insert.run(...row);
    }
  });

  return {
    dialect: 'sqlite',
    async countUsers() {
      return (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
    },
    async clear() {
      const tables = db
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'table'
            AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' AND name NOT LIKE 'post_search_%'`,
        )
        .pluck()
        .all() as string[];
      db.transaction(() => {
        for (const table of tables) db.prepare(`DELETE FROM "${table}"`).run();
      })();
    },
    async write(batches) {
      writeAll(batches);
    },
    async finish() {
      db.exec('ANALYZE');
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async close() {
      db.close();
    },
  };
}
