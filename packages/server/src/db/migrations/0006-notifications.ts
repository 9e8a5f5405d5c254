import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/** Notifications: one row per (recipient, kind, subject), written by event handlers. */
export const notifications0006: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('notifications')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('recipient_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('kind', types.text, (col) => col.notNull())
      .addColumn('subject_key', types.text, (col) => col.notNull())
      .addColumn('actor_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('post_id', types.id, (col) => col.references('posts.id').onDelete('cascade'))
      .addColumn('comment_id', types.id)
      .addColumn('actor_count', types.integer, (col) => col.notNull().defaultTo(1))
      .addColumn('seq_id', types.id, (col) => col.notNull())
      .addColumn('read_at', types.timestamp)
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('updated_at', types.timestamp, (col) => col.notNull())
      .addUniqueConstraint('notifications_subject_uq', ['recipient_id', 'kind', 'subject_key'])
      .execute();
    // The list and the live stream: one recipient's rows by seq.
    await db.schema
      .createIndex('notifications_recipient_seq_idx')
      .on('notifications')
      .columns(['recipient_id', 'seq_id'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('notifications').execute();
  },
});
