import { sql, type Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/**
 * Moderation: roles and suspension on `users`, `posts.sensitive`, `comments.removed_at`, the
 * `reports` users file and the append-only `moderation_log` of what moderators did.
 *
 * - `users.role` is `user`, `moderator` or `admin`. On an instance that already has accounts the
 *   oldest one becomes `admin`, as the first account registered on a new instance does.
 * - `users.suspended_at`: a suspended account cannot sign in, and its profile, posts and comments
 *   are hidden from everyone (the post policy reads it with the author's row).
 * - `notifications.note`: the moderator's reason, on the notifications moderation sends.
 * - `comments.removed_at` is a moderator's removal, kept apart from the author's own `deleted_at`
 *   so a restore brings back only what a moderator took away.
 * - `reports`: one row per reporter and target while it is open (a partial unique index holds
 *   that); `activity_id` is a fresh id at every report or update, so the queue sorts by it.
 */
export const moderation0014: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('role', types.text, (col) => col.notNull().defaultTo('user'))
      .execute();
    await db.schema.alterTable('users').addColumn('suspended_at', types.timestamp).execute();
    await sql`update users set role = 'admin' where id = (select min(id) from users)`.execute(db);

    await db.schema
      .alterTable('posts')
      .addColumn('sensitive', types.integer, (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('comments').addColumn('removed_at', types.timestamp).execute();
    await db.schema.alterTable('notifications').addColumn('note', types.text).execute();

    await db.schema
      .createTable('reports')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('reporter_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('target_kind', types.text, (col) => col.notNull())
      .addColumn('target_id', types.id, (col) => col.notNull())
      /** Whose content it is: the author of the post or comment, or the reported account. */
      .addColumn('target_user_id', types.id, (col) => col.notNull())
      .addColumn('reason', types.text, (col) => col.notNull())
      .addColumn('note', types.text, (col) => col.notNull().defaultTo(''))
      .addColumn('state', types.text, (col) => col.notNull())
      .addColumn('activity_id', types.id, (col) => col.notNull())
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('updated_at', types.timestamp, (col) => col.notNull())
      .addColumn('resolved_at', types.timestamp)
      .addColumn('resolved_by_id', types.id)
      .addColumn('resolution', types.text)
      .execute();
    await db.schema
      .createIndex('reports_open_unique')
      .on('reports')
      .columns(['reporter_id', 'target_kind', 'target_id'])
      .unique()
      .where(sql.ref('state'), '=', 'open')
      .execute();
    // The queue: one state's reports by latest activity; a target's reports; a reporter's own.
    await db.schema.createIndex('reports_state_activity_idx').on('reports').columns(['state', 'activity_id']).execute();
    await db.schema
      .createIndex('reports_target_idx')
      .on('reports')
      .columns(['target_kind', 'target_id', 'state'])
      .execute();
    await db.schema.createIndex('reports_reporter_idx').on('reports').columns(['reporter_id', 'id']).execute();

    await db.schema
      .createTable('moderation_log')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('moderator_id', types.id, (col) => col.notNull())
      .addColumn('action', types.text, (col) => col.notNull())
      .addColumn('target_kind', types.text, (col) => col.notNull())
      .addColumn('target_id', types.id, (col) => col.notNull())
      .addColumn('target_user_id', types.id, (col) => col.notNull())
      .addColumn('reason', types.text, (col) => col.notNull())
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('moderation_log_moderator_idx')
      .on('moderation_log')
      .columns(['moderator_id', 'id'])
      .execute();
    await db.schema
      .createIndex('moderation_log_target_user_idx')
      .on('moderation_log')
      .columns(['target_user_id', 'id'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('moderation_log').execute();
    await db.schema.dropTable('reports').execute();
    await db.schema.alterTable('notifications').dropColumn('note').execute();
    await db.schema.alterTable('comments').dropColumn('removed_at').execute();
    await db.schema.alterTable('posts').dropColumn('sensitive').execute();
    await db.schema.alterTable('users').dropColumn('suspended_at').execute();
    await db.schema.alterTable('users').dropColumn('role').execute();
  },
});
