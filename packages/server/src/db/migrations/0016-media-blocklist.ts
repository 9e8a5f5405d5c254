import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/**
 * The media blocklist (modules/blocklist): `media.perceptual_hash`, the 64-bit pHash of a photo or
 * of a video's poster as 16 hex digits (TEXT: an integer column not named `…_id` is read as a
 * number, which cannot hold 64 bits); `media_blocklist`, one row per blocked hash;
 * `media_blocklist_refusals`, one row per upload refused for matching one (no reference to
 * `media`: refused media is collected like any unattached media, its refusal stays on record);
 * `media_blocklist_version`, one row counting changes, so every process reloads its in-memory
 * copy of the list only when the list changed.
 */
export const mediaBlocklist0016: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('media').addColumn('perceptual_hash', types.text).execute();

    await db.schema
      .createTable('media_blocklist')
      .addColumn('hash', types.text, (col) => col.primaryKey().notNull())
      .addColumn('reason', types.text, (col) => col.notNull().defaultTo(''))
      .addColumn('added_by_id', types.id, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('source_media_id', types.id, (col) => col.references('media.id').onDelete('set null'))
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('media_blocklist_refusals')
      .addColumn('media_id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('owner_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('perceptual_hash', types.text, (col) => col.notNull())
      .addColumn('matched_hash', types.text, (col) => col.notNull())
      .addColumn('distance', types.integer, (col) => col.notNull())
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('media_blocklist_version')
      .addColumn('scope', types.text, (col) => col.primaryKey().notNull())
      .addColumn('version', types.integer, (col) => col.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('media_blocklist_version').execute();
    await db.schema.dropTable('media_blocklist_refusals').execute();
    await db.schema.dropTable('media_blocklist').execute();
    await db.schema.alterTable('media').dropColumn('perceptual_hash').execute();
  },
});
