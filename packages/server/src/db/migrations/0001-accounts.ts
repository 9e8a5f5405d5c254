import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/** users, sessions and login_throttle, as described in `db/schema.ts`. */
export const accounts0001: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      // notNull even on the key: SQLite lets a non-INTEGER primary key hold NULL otherwise.
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('username', types.text, (col) => col.notNull())
      .addColumn('username_key', types.text, (col) => col.notNull())
      .addColumn('email', types.text, (col) => col.notNull())
      .addColumn('email_key', types.text, (col) => col.notNull())
      .addColumn('password_hash', types.text, (col) => col.notNull())
      .addColumn('display_name', types.text, (col) => col.notNull().defaultTo(''))
      .addColumn('bio', types.text, (col) => col.notNull().defaultTo(''))
      .addColumn('is_private', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('updated_at', types.timestamp, (col) => col.notNull())
      .addColumn('last_active_at', types.timestamp, (col) => col.notNull())
      .execute();
    // Named indexes, not column constraints, so violations name a key callers can tell apart.
    await db.schema.createIndex('users_username_key_unique').on('users').column('username_key').unique().execute();
    await db.schema.createIndex('users_email_key_unique').on('users').column('email_key').unique().execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('user_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('token_hash', types.text, (col) => col.notNull())
      .addColumn('user_agent', types.text)
      .addColumn('ip', types.text)
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('last_used_at', types.timestamp, (col) => col.notNull())
      .addColumn('expires_at', types.timestamp, (col) => col.notNull())
      .addColumn('revoked_at', types.timestamp)
      .execute();
    await db.schema.createIndex('sessions_token_hash_unique').on('sessions').column('token_hash').unique().execute();
    // Also serves the cascade: without it, deleting a user scans every session.
    await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('login_throttle')
      .addColumn('username_key', types.text, (col) => col.primaryKey().notNull())
      .addColumn('failures', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('last_failure_at', types.timestamp, (col) => col.notNull())
      .addColumn('locked_until', types.timestamp)
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('login_throttle').execute();
    await db.schema.dropTable('sessions').execute();
    await db.schema.dropTable('users').execute();
  },
});
