import { sql, type Transaction } from 'kysely';
import type { Db } from './connect.js';
import type { Database } from './schema.js';

/**
 * A transaction for facts written behind, which a crash of the process must not corrupt but a power
 * cut may lose: the times sessions were last used, noted in memory by reads and written a moment
 * later, and the write limits' buckets (forgetting a few charges lets a few writes more through).
 * Its commit does not wait for the disk. Every other write still does, since an
 * acknowledged write must survive a power cut.
 *
 * - SQLite: the connection commits this one transaction with `synchronous = NORMAL` instead of
 *   FULL. In WAL mode the commit is still atomic and survives the process dying; only the machine
 *   going down before the next synced commit or checkpoint can lose it. The connection is held
 *   from the pragma to its reset, so no other statement commits under the relaxed setting. The
 *   fsync it skips blocked the event loop for the whole commit (better-sqlite3 is synchronous):
 *   every request of the process waited on the disk once per flush.
 * - Postgres: `SET LOCAL synchronous_commit = off` for the transaction (the server's documented
 *   way to trade the durability of chosen transactions for latency; it never risks consistency).
 */
export function writeBehindTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.caps.dialect === 'postgres') {
    return db.kysely.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      return work(trx);
    });
  }
  return db.kysely.connection().execute(async (connection) => {
    await sql`pragma synchronous = NORMAL`.execute(connection);
    try {
      return await connection.transaction().execute(work);
    } finally {
      await sql`pragma synchronous = FULL`.execute(connection);
    }
  });
}
