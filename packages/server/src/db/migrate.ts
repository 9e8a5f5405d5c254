import { Migrator } from 'kysely';
import type { Migration } from 'kysely';

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
 * Brings the schema up to date. Safe to call at every start and from several processes at once:
 * Kysely holds a migration lock (an advisory lock on Postgres) while it works.
 */
export async function migrateToLatest(
  db: Db,
  migrations: Readonly<Record<string, MigrationFactory>> = MIGRATIONS,
): Promise<MigrateResult> {
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
  // Kysely checks for its bookkeeping tables by listing every table of the database; a schema that
  // another tenant (or a parallel test) drops during that scan fails it with "schema … does not
  // exist" although nothing is wrong with ours. Nothing was applied then: try again.
  for (let attempt = 1; attempt < 4 && isOtherSchemaVanished(error, db.schema); attempt++) {
    ({ error, results = [] } = await migrator.migrateToLatest());
  }
  if (error !== undefined) {
    throw new MigrationFailedError(results.find((r) => r.status === 'Error')?.migrationName, error);
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

function isOtherSchemaVanished(error: unknown, ours: string | undefined): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (e?.code !== '3F000' || typeof e.message !== 'string') return false;
  return ours === undefined || !e.message.includes(`"${ours}"`);
}
