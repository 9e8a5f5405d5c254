import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/**
 * `users.show_sensitive`: 1 when the account chose to see sensitive media at once, in every client
 * it signs in to (a setting kept on the server, `accounts.update({ showSensitive })`). 0, the
 * default, lets clients cover a sensitive post until it is asked for.
 */
export const showSensitive0017: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('show_sensitive', types.integer, (col) => col.notNull().defaultTo(0))
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('users').dropColumn('show_sensitive').execute();
  },
});
