import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/index.js';

/**
 * `url` with its connections named `name` in `pg_stat_activity` (a connection string's
 * application_name wins over the pool's own), so a test can find its own backends in a database
 * that other test files share.
 */
export function withApplicationName(url: string, name: string): string {
  const named = new URL(url);
  named.searchParams.set('application_name', name);
  return named.toString();
}

/**
 * Resolves once one of the backends named `applicationName` runs a statement starting with
 * `statement` and waits on a lock: how a test knows a transaction it started has reached the point
 * it holds it at. Throws after `timeoutMs`.
 */
export async function untilWaitingOnLock(
  db: Kysely<Database>,
  applicationName: string,
  statement: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where application_name = ${applicationName} and wait_event_type = 'Lock'
        and query like ${`${statement}%`}`.execute(db);
    if (rows[0]!.n > 0) return;
    if (Date.now() > deadline) throw new Error(`no statement "${statement}…" came to wait on a lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
