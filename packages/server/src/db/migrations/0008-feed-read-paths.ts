import { sql } from 'kysely';
import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/**
 * An index for the home feed's read path (measured by `npm run bench -- feed`).
 *
 * Pulling followed accounts' unpushed posts (celebrities', and posts fan-out has not reached yet)
 * walked every post of every followed author through `posts_author_id_idx` and read each row to
 * test `pushed`. Unpushed live posts are few, so a partial index over just them turns that into
 * one short probe per author. Queries must spell `pushed = 0` as a literal for the planner to
 * match the index's condition (a bound parameter does not match).
 */
export const feedReadPaths0008: MigrationFactory = () => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('posts_unpushed_idx')
      .on('posts')
      .columns(['author_id', 'id'])
      .where(sql<boolean>`pushed = 0 and deleted_at is null`)
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('posts_unpushed_idx').execute();
  },
});
