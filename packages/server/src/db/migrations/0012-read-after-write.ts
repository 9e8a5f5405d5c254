import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/**
 * `users.last_write_lsn`: the primary's WAL position just after the user's latest write, written
 * only when a read replica is configured (`APERTURE_DATABASE_READ_URL`). Every authenticated request
 * reads it with the session, in whichever api process it lands, and the user's reads go to the
 * replica only once the replica has replayed that far: lag never hides a user's own write.
 * Text (`X/Y`, as Postgres prints a pg_lsn) on both dialects; SQLite never fills it.
 */
export const readAfterWrite0012: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('last_write_lsn', types.text).execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('users').dropColumn('last_write_lsn').execute();
  },
});
