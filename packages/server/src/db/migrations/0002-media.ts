import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/** media, uploads and the user's avatar, as described in `db/schema.ts`. */
export const media0002: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('media')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('owner_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('status', types.text, (col) => col.notNull())
      .addColumn('failure_code', types.text)
      .addColumn('failure_reason', types.text)
      .addColumn('sha256', types.text, (col) => col.notNull())
      .addColumn('size', types.integer, (col) => col.notNull())
      .addColumn('content_type', types.text, (col) => col.notNull())
      .addColumn('filename', types.text)
      .addColumn('original_key', types.text, (col) => col.notNull())
      .addColumn('keep_location', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('format', types.text)
      .addColumn('width', types.integer)
      .addColumn('height', types.integer)
      .addColumn('thumbhash', types.text)
      .addColumn('dominant_color', types.text)
      .addColumn('exif', types.text)
      .addColumn('gps_lat', types.float)
      .addColumn('gps_lng', types.float)
      .addColumn('derivatives', types.text)
      .addColumn('attempts', types.integer, (col) => col.notNull().defaultTo(0))
      .addColumn('claimed_until', types.timestamp)
      .addColumn('reprocess_requested_at', types.timestamp)
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('updated_at', types.timestamp, (col) => col.notNull())
      .addColumn('ready_at', types.timestamp)
      .addColumn('attached_at', types.timestamp)
      .execute();
    // Dedupe ("this user already uploaded these bytes") and the owner's media list.
    await db.schema.createIndex('media_owner_sha256_idx').on('media').columns(['owner_id', 'sha256']).execute();
    // The processor claims by status; the collector scans unattached ready media by age.
    await db.schema.createIndex('media_status_idx').on('media').columns(['status', 'claimed_until']).execute();

    await db.schema
      .createTable('uploads')
      .addColumn('id', types.id, (col) => col.primaryKey().notNull())
      .addColumn('media_id', types.id, (col) => col.notNull().references('media.id').onDelete('cascade'))
      .addColumn('owner_id', types.id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('blob_key', types.text, (col) => col.notNull())
      .addColumn('mode', types.text, (col) => col.notNull())
      .addColumn('blob_upload_id', types.text)
      .addColumn('part_size', types.integer, (col) => col.notNull())
      .addColumn('size', types.integer, (col) => col.notNull())
      .addColumn('status', types.text, (col) => col.notNull())
      .addColumn('expires_at', types.timestamp, (col) => col.notNull())
      .addColumn('created_at', types.timestamp, (col) => col.notNull())
      .addColumn('completed_at', types.timestamp)
      .execute();
    await db.schema.createIndex('uploads_status_created_idx').on('uploads').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('uploads_media_id_idx').on('uploads').column('media_id').execute();

    await db.schema
      .alterTable('users')
      .addColumn('avatar_media_id', types.id, (col) => col.references('media.id').onDelete('set null'))
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('users').dropColumn('avatar_media_id').execute();
    await db.schema.dropTable('uploads').execute();
    await db.schema.dropTable('media').execute();
  },
});
