import { sql, type Kysely } from 'kysely';

import type { Db } from './connect.js';
import type { Database } from './schema.js';

/**
 * Postgres advisory locks for work that must run in one process of a deployment at a time. The key
 * is two int4 halves: a constant for Aperture and a hash of the name and the schema, so deployments
 * sharing a database (one schema each) do not block each other. On SQLite one process owns the
 * file (see `node-leases.ts`), and `aperture migrate` is serialised by SQLite's own write lock, so
 * `fn` simply runs.
 */
export const ADVISORY_NAMESPACE = 0x61707274;
const NAMESPACE = ADVISORY_NAMESPACE;

/** The name hashed into a lock's second half: the schema and what the lock is for. */
export function lockName(db: Db, name: string): string {
  return `${db.schema ?? ''}:${name}`;
}

/**
 * Runs `fn` while holding the lock `name`, waiting for it if another process holds it. The lock is
 * held by one pooled connection for the whole run; `fn` queries through the pool as usual.
 */
export async function withAdvisoryLock<T>(db: Db, name: string, fn: () => Promise<T>): Promise<T> {
  if (db.caps.dialect !== 'postgres') return fn();
  const key = lockName(db, name);
  return db.kysely.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${NAMESPACE}, hashtext(${key}))`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${NAMESPACE}, hashtext(${key}))`.execute(conn).catch(() => undefined);
    }
  });
}

/**
 * Runs `fn` only when the lock `name` is free (`pg_try_advisory_lock`); resolves to false, without
 * running it, when another process holds it. For periodic jobs: whoever holds the lock does this
 * round, the others skip it.
 */
export async function ifAdvisoryLockFree(db: Db, name: string, fn: () => Promise<unknown>): Promise<boolean> {
  if (db.caps.dialect !== 'postgres') {
    await fn();
    return true;
  }
  const key = lockName(db, name);
  return db.kysely.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_lock(${NAMESPACE}, hashtext(${key})) as locked`.execute(conn);
    if (rows[0]?.locked !== true) return false;
    try {
      await fn();
      return true;
    } finally {
      await sql`select pg_advisory_unlock(${NAMESPACE}, hashtext(${key}))`.execute(conn).catch(() => undefined);
    }
  });
}

/**
 * Takes the lock `name` for the rest of the transaction `trx` (`pg_advisory_xact_lock`: released by
 * its commit or rollback), waiting while another transaction holds it. On SQLite, whose one writer
 * already runs transactions one at a time, it does nothing.
 */
export async function lockForTransaction(db: Db, trx: Kysely<Database>, name: string): Promise<void> {
  if (db.caps.dialect !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(${NAMESPACE}, hashtext(${lockName(db, name)}))`.execute(trx);
}
