import { sql, type Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/**
 * People's control over their data: exports of an account and its deletion (docs/accounts.md).
 *
 * - `users.deleted_at`: the owner deleted the account. It is hidden at once (the deletion also sets
 *   `suspended_at`, so every path that leaves suspended accounts out leaves it out), no sign-in.
 * - `users.purge_after`: when the cleanup removes everything of the account (the grace period).
 * - `users.purged_at`: the cleanup ran; the row is a tombstone keeping the username reserved, and
 *   is removed once `release_username_after` has passed.
 * - `account_exports`: one archive of an account's data, built in the background under a lease
 *   (`claimed_by`/`claimed_until`, as `media`); `blob_key` once ready, removed at `expires_at`.
 *   A partial unique index allows one export being built (`pending` or `building`) per user.
 */
export const accountData0018: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('deleted_at', types.timestamp).execute();
    await db.schema.alterTable('users').addColumn('purge_after', types.timestamp).execute();
    await db.schema.alterTable('users').addColumn('purged_at', types.timestamp).execute();
    await db.schema.alterTable('users').addColumn('release_username_after', types.timestamp).execute();
    // The cleanup's two scans: deleted accounts due a purge, tombstones due removal.
    await db.schema
      .createIndex('users_purge_after_idx')
      .on('users')
      .column('purge_after')
      .where(sql.ref('purge_after'), 'is not', null)
      .execute();

    await db.schema
      .createTable('account_exports')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('user_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('state', types.text, (col) => col.notNull())
      .addColumn('items_done', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('items_total', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('attempts', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('claimed_by', types.text)
      .addColumn('claimed_until', types.timestamp)
      .addColumn('blob_key', types.text)
      .addColumn('size', 'bigint')
      .addColumn('failure', types.text)
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('ready_at', types.timestamp)
      .addColumn('expires_at', types.timestamp)
      .execute();
    await db.schema
      .createIndex('account_exports_running_unique')
      .on('account_exports')
      .column('user_id')
      .unique()
      .where(sql.ref('state'), 'in', ['pending', 'building'])
      .execute();
    await db.schema.createIndex('account_exports_user_idx').on('account_exports').columns(['user_id', 'id']).execute();
    await db.schema.createIndex('account_exports_state_idx').on('account_exports').columns(['state', 'id']).execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('account_exports').execute();
    await db.schema.dropIndex('users_purge_after_idx').execute();
    await db.schema.alterTable('users').dropColumn('release_username_after').execute();
    await db.schema.alterTable('users').dropColumn('purged_at').execute();
    await db.schema.alterTable('users').dropColumn('purge_after').execute();
    await db.schema.alterTable('users').dropColumn('deleted_at').execute();
  },
});
