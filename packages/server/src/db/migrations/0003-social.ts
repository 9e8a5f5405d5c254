import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/** posts and their media, the follow graph, blocks, mutes, likes, comments, counters. */
export const social0003: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    for (const column of ['follower_count', 'following_count', 'post_count']) {
      await db.schema
        .alterTable('users')
        .addColumn(column, types.integer, (col) => col.notNull().defaultTo(0))
        .execute();
    }

    await db.schema
      .createTable('posts')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('author_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('caption', types.text, (col) => col.notNull().defaultTo(''))
      .addColumn('location_name', types.text)
      .addColumn('location_lat', types.float)
      .addColumn('location_lng', types.float)
      .addColumn('visibility', types.text, (col) => col.notNull())
      .addColumn('comments_enabled', types.integer, (col) => col.notNull().defaultTo(1))
      .addColumn('like_count', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('comment_count', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('updated_at', types.timestamp, (col) => col.notNull())
      .addColumn('deleted_at', types.timestamp)
      .addColumn('hidden_at', types.timestamp)
      .addColumn('cleaned_at', types.timestamp)
      .execute();
    // Profile grid: one author's posts, newest first.
    await db.schema.createIndex('posts_author_id_idx').on('posts').columns(['author_id', 'id']).execute();

    await db.schema
      .createTable('post_media')
      .addColumn('post_id', types.id, (col) => col.notNull().references('posts.id').onDelete('cascade'))
      .addColumn('media_id', types.id, (col) => col.notNull().references('media.id'))
      .addColumn('position', types.integer, (col) => col.notNull())
      .addPrimaryKeyConstraint('post_media_pk', ['post_id', 'position'])
      .execute();
    await db.schema.createIndex('post_media_media_id_idx').on('post_media').column('media_id').execute();

    await db.schema
      .createTable('follows')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('follower_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('followee_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('state', types.text, (col) => col.notNull())
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('updated_at', types.timestamp, (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('follows_pair_unique')
      .on('follows')
      .columns(['follower_id', 'followee_id'])
      .unique()
      .execute();
    await db.schema.createIndex('follows_followee_idx').on('follows').columns(['followee_id', 'state', 'id']).execute();
    await db.schema.createIndex('follows_follower_idx').on('follows').columns(['follower_id', 'state', 'id']).execute();

    await db.schema
      .createTable('blocks')
      .addColumn('blocker_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('blocked_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('blocks_pk', ['blocker_id', 'blocked_id'])
      .execute();
    await db.schema.createIndex('blocks_blocked_id_idx').on('blocks').column('blocked_id').execute();

    await db.schema
      .createTable('mutes')
      .addColumn('muter_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('muted_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('mutes_pk', ['muter_id', 'muted_id'])
      .execute();

    await db.schema
      .createTable('likes')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('post_id', types.id, (col) => col.notNull().references('posts.id').onDelete('cascade'))
      .addColumn('user_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('reaction', types.text, (col) => col.notNull())
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .execute();
    await db.schema.createIndex('likes_pair_unique').on('likes').columns(['post_id', 'user_id']).unique().execute();
    await db.schema.createIndex('likes_user_id_idx').on('likes').columns(['user_id', 'id']).execute();

    await db.schema
      .createTable('comments')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('post_id', types.id, (col) => col.notNull().references('posts.id').onDelete('cascade'))
      .addColumn('author_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('parent_id', types.id, (col) => col.references('comments.id').onDelete('cascade'))
      .addColumn('body', types.text, (col) => col.notNull())
      .addColumn('reply_count', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('deleted_at', types.timestamp)
      .execute();
    await db.schema.createIndex('comments_thread_idx').on('comments').columns(['post_id', 'parent_id', 'id']).execute();
    await db.schema.createIndex('comments_parent_id_idx').on('comments').columns(['parent_id', 'id']).execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('user_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('idem_key', types.text, (col) => col.notNull())
      .addColumn('request_hash', types.text, (col) => col.notNull())
      .addColumn('post_id', types.id, (col) => col.notNull())
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'idem_key'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of [
      'idempotency_keys',
      'comments',
      'likes',
      'mutes',
      'blocks',
      'follows',
      'post_media',
      'posts',
    ]) {
      await db.schema.dropTable(table).execute();
    }
    for (const column of ['post_count', 'following_count', 'follower_count']) {
      await db.schema.alterTable('users').dropColumn(column).execute();
    }
  },
});
