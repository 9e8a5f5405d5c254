import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/**
 * Indexes that let hashtag reads reach the posts a viewer may see without walking the ones they
 * may not (`modules/tags/visible-uses.ts`).
 *
 * A tag's rows sit in `post_tags_tag_idx` in post order, public and non-public mixed: a tag with
 * 100,000 followers-only posts and one public post would be read whole to find that one. With the
 * public flag second, the public rows are one range of their own; with the author second, a viewer's
 * own rows and each followed account's rows are one short range each.
 */
export const tagVisibilityPaths0009: MigrationFactory = () => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('post_tags_public_idx')
      .on('post_tags')
      .columns(['tag_id', 'is_public', 'post_id'])
      .execute();
    await db.schema
      .createIndex('post_tags_author_idx')
      .on('post_tags')
      .columns(['tag_id', 'author_id', 'post_id'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('post_tags_author_idx').execute();
    await db.schema.dropIndex('post_tags_public_idx').execute();
  },
});
