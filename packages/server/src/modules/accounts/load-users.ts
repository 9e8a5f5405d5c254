import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../../db/schema.js';

/** Users by id, in one query (duplicates and an empty list cost nothing). */
export async function loadUsers(db: Kysely<Database>, userIds: Iterable<string>): Promise<Map<string, UserRow>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row]));
}
