import { Migrator } from 'kysely';
import type { Migration } from 'kysely';

import { withAdvisoryLock } from './advisory-lock.js';
import type { Db } from './connect.js';
import { MIGRATIONS } from './migrations/index.js';
import type { MigrationFactory } from './migrations/index.js';

export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  /** The migration that threw, when the failure was inside one. */
  readonly migration: string | undefined;

  constructor(migration: string | undefined, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const where = migration === undefined ? 'Database migration failed' : `Migration ${migration} failed`;
    // Both dialects run the whole batch in one transaction (see sqlite.ts), so a failure undoes it.
    super(`${where}; no migration of this run was applied: ${reason}`, { cause });
    this.migration = migration;
  }
}

export interface MigrateResult {
  /** Names of the migrations this call applied, in order; empty when the schema was current. */
  applied: string[];
}

/**
 * Brings the schema up to date. Safe to call at every start and from several processes at once: on
 * Postgres the whole run, Kysely's creation of its bookkeeping tables included (which two
 * processes racing on a fresh schema would otherwise both attempt), holds a session advisory lock
 * for the schema, so one process migrates and the others wait, then find nothing left to apply.
 * On SQLite the write lock serialises runs.
 */
export async function migrateToLatest(
  db: Db,
  migrations: Readonly<Record<string, MigrationFactory>> = MIGRATIONS,
): Promise<MigrateResult> {
  return withAdvisoryLock(db, 'migrate', () => migrateUnlocked(db, migrations));
}

async function migrateUnlocked(db: Db, migrations: Readonly<Record<string, MigrationFactory>>): Promise<MigrateResult> {
  const built: Record<string, Migration> = {};
  for (const [name, make] of Object.entries(migrations)) built[name] = make(db.caps);
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: () => Promise.resolve(built) },
    // Without a schema, Kysely looks for its bookkeeping tables in every schema of the database
    // and would mistake another tenant's (or another test's) for ours.
    ...(db.schema === undefined ? {} : { migrationTableSchema: db.schema }),
  });
  let { error, results = [] } = await migrator.migrateToLatest();
  // Kysely checks for its bookkeeping tables by listing every table of the database (and each
  // column's sequence); a schema, table or column that another tenant (or a parallel test) drops or
  // rolls back during that scan fails it although nothing is wrong with ours. No migration ran
  // then: try again.
  for (let attempt = 1; attempt < 4 && isCatalogScanRace(error, results, db.schema); attempt++) {
    ({ error, results = [] } = await migrator.migrateToLatest());
  }
  if (error !== undefined) {
    throw new MigrationFailedError(results.find((r) => r.status === 'Error')?.migrationName, error);
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/**
 * Did the run fail while Kysely scanned the catalog, because something outside our schema changed
 * under it? Only when no migration ran: a migration's own failure is never retried.
 */
export function isCatalogScanRace(
  error: unknown,
  results: readonly { status: string }[],
  ours: string | undefined,
): boolean {
  if (results.some((r) => r.status === 'Error')) return false;
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.message !== 'string') return false;
  // invalid_schema_name: "schema … does not exist" — unless it is ours that is missing.
  if (e.code === '3F000') return ours === undefined || !e.message.includes(`"${ours}"`);
  // undefined_table, undefined_column: a table or column listed a moment before is gone.
  return e.code === '42P01' || e.code === '42703';
}
