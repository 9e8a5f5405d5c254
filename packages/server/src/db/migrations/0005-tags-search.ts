import { sql, type Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/** Hashtags, the post-tag rows trending and hashtag pages read, and the caption search index. */
export const tagsSearch0005: MigrationFactory = ({ types, dialect }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('tags')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('name', types.text, (col) => col.notNull().unique())
      .addColumn('post_count', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('post_tags')
      .addColumn('post_id', types.id, (col) => col.notNull().references('posts.id').onDelete('cascade'))
      .addColumn('tag_id', types.id, (col) => col.notNull().references('tags.id').onDelete('cascade'))
      .addColumn('author_id', types.id, (col) => col.notNull())
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('is_public', types.integer, (col) => col.notNull())
      .addPrimaryKeyConstraint('post_tags_pk', ['post_id', 'tag_id'])
      .execute();
    // A hashtag page, newest first.
    await db.schema.createIndex('post_tags_tag_idx').on('post_tags').columns(['tag_id', 'post_id']).execute();
    // Trending: recent public uses.
    await db.schema
      .createIndex('post_tags_recent_idx')
      .on('post_tags')
      .columns(['is_public', 'created_at', 'tag_id'])
      .execute();

    // Caption search: maintained by the tags handler; each dialect's own full-text engine.
    if (dialect === 'sqlite') {
      await sql`create virtual table post_search using fts5(caption, tokenize = 'unicode61 remove_diacritics 2')`.execute(
        db,
      );
    } else {
      await db.schema
        .createTable('post_search')
        .addColumn('post_id', types.id, (col) => col.primaryKey().notNull().references('posts.id').onDelete('cascade'))
        .addColumn('document', sql`tsvector`, (col) => col.notNull())
        .execute();
      await sql`create index post_search_document_idx on post_search using gin (document)`.execute(db);
    }
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('post_search').execute();
    await db.schema.dropTable('post_tags').execute();
    await db.schema.dropTable('tags').execute();
  },
});
