import { sql, type Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/**
 * Write limits and word filters.
 *
 * `write_limits`: one token bucket per counted key (`posts:account:<id>`, `signups:address:<ip>`),
 * kept as the instant it is full again (`full_at`, epoch milliseconds: plain integer arithmetic on
 * both dialects). A bucket past that instant is as good as absent, so the sweep deletes it.
 *
 * `word_filters`: the rules added with `aperture admin words` (`term_key` is the folded term);
 * rules from APERTURE_WORD_FILTER_FILE are never stored. `content_holds`: a post or comment a `hold`
 * rule matched, with the rule, until a moderator releases it; `posts.held_at`/`comments.held_at`
 * mark it for the visibility rules, which show it to its author only meanwhile.
 */
export const limitsWordFilters0015: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('write_limits')
      .addColumn('bucket_key', types.text, (col) => col.primaryKey())
      .addColumn('full_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('word_filters')
      .addColumn('term_key', types.text, (col) => col.primaryKey())
      .addColumn('term', types.text, (col) => col.notNull())
      .addColumn('action', types.text, (col) => col.notNull())
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('content_holds')
      .addColumn('id', types.id, (col) => col.primaryKey())
      .addColumn('subject', types.text, (col) => col.notNull())
      .addColumn('post_id', types.id, (col) => col.notNull())
      .addColumn('comment_id', types.id)
      .addColumn('author_id', types.id, (col) => col.notNull())
      .addColumn('rule_term', types.text, (col) => col.notNull())
      .addColumn('rule_source', types.text, (col) => col.notNull())
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('released_at', types.timestamp)
      .execute();
    // The moderator queue: holds not yet released, oldest first.
    await db.schema
      .createIndex('content_holds_pending_idx')
      .on('content_holds')
      .column('id')
      .where(sql.ref('released_at'), 'is', null)
      .execute();
    await db.schema.alterTable('posts').addColumn('held_at', types.timestamp).execute();
    await db.schema.alterTable('comments').addColumn('held_at', types.timestamp).execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('comments').dropColumn('held_at').execute();
    await db.schema.alterTable('posts').dropColumn('held_at').execute();
    await db.schema.dropTable('content_holds').execute();
    await db.schema.dropTable('word_filters').execute();
    await db.schema.dropTable('write_limits').execute();
  },
});
