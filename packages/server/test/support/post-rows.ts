import type { Insertable, Kysely } from 'kysely';
import type { Database, PostsTable } from '../../src/db/schema.js';

/**
 * Writes a bare post row straight into the database — public, captionless, created now, no photos
 * — for suites that need only the row (engagement, views, limits, fan-out); `row` overrides any
 * column. Returns its id.
 */
export async function insertPostRow(
  db: Kysely<Database>,
  row: { id: string; author_id: string } & Partial<Insertable<PostsTable>>,
): Promise<string> {
  const now = new Date().toISOString();
  await db
    .insertInto('posts')
    .values({
      caption: '',
      location_name: null,
      location_lat: null,
      location_lng: null,
      visibility: 'public',
      created_at: now,
      updated_at: now,
      deleted_at: null,
      hidden_at: null,
      cleaned_at: null,
      ...row,
    })
    .execute();
  return row.id;
}
