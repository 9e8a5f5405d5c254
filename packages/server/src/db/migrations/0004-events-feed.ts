import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/** The transactional outbox and the materialised home timelines. */
export const eventsFeed0004: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('events')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('type', types.text, (col) => col.notNull())
      .addColumn('payload', types.text, (col) => col.notNull())
      .addColumn('status', types.text, (col) => col.notNull())
      .addColumn('attempts', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('available_at', types.timestamp, (col) => col.notNull())
      .addColumn('locked_until', types.timestamp)
      .addColumn('last_error', types.text)
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('processed_at', types.timestamp)
      .execute();
    // The dispatcher's claim: pending events that are due, oldest first.
    await db.schema.createIndex('events_pending_idx').on('events').columns(['status', 'available_at', 'id']).execute();

    await db.schema
      .createTable('timeline')
      .addColumn('user_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('post_id', types.id, (col) => col.notNull().references('posts.id').onDelete('cascade'))
      .addColumn('author_id', types.id, (col) => col.notNull())
      .addPrimaryKeyConstraint('timeline_pk', ['user_id', 'post_id'])
      .execute();
    // Removing one author's rows from one timeline (unfollow, block, mute).
    await db.schema.createIndex('timeline_author_idx').on('timeline').columns(['user_id', 'author_id']).execute();
    await db.schema.createIndex('timeline_post_idx').on('timeline').column('post_id').execute();

    // 1 once fan-out pushed the post; until then (and forever for celebrities' posts) readers pull it.
    await db.schema
      .alterTable('posts')
      .addColumn('pushed', types.integer, (col) => col.notNull().defaultTo(0))
      .execute();

    // When a user's timeline was last brought up to date by a rebuild (inactive users get none).
    await db.schema.alterTable('users').addColumn('timeline_rebuilt_at', types.timestamp).execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('users').dropColumn('timeline_rebuilt_at').execute();
    await db.schema.alterTable('posts').dropColumn('pushed').execute();
    await db.schema.dropTable('timeline').execute();
    await db.schema.dropTable('events').execute();
  },
});
