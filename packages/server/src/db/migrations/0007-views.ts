import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/** Post views: counted in memory per process and added to this column in batches. */
export const views0007: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('posts')
      .addColumn('view_count', types.integer, (col) => col.notNull().defaultTo(0))
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('posts').dropColumn('view_count').execute();
  },
});
