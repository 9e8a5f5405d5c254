import type { Kysely } from 'kysely';
import { preparedQuery, type ParamRefs } from '../../db/prepared-query.js';
import type { Database, UserRow } from '../../db/schema.js';

/**
 * The columns a user is presented from to other people. Lists load only these: a feed page's
 * authors need no email or password hash in memory, and narrower rows are cheaper to read.
 */
export const PUBLIC_USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'bio',
  'is_private',
  'avatar_media_id',
  'created_at',
  // Not shown to anyone; read so every list can leave suspended accounts out (the post policy).
  'suspended_at',
] as const;

export type PublicUserRow = Pick<UserRow, (typeof PUBLIC_USER_COLUMNS)[number]>;

const usersByIds = preparedQuery((db, p: ParamRefs<{ ids: string[] }>) =>
  db.selectFrom('users').select(PUBLIC_USER_COLUMNS).where(p.idIn('id', 'ids')),
);

/** Users by id, in one query (duplicates and an empty list cost nothing). */
export async function loadUsers(db: Kysely<Database>, userIds: Iterable<string>): Promise<Map<string, PublicUserRow>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows = await usersByIds.execute(db, { ids });
  return new Map(rows.map((row) => [row.id, row]));
}
