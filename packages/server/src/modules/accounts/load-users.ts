import type { Kysely } from 'kysely';
import { preparedQuery, type ParamRefs } from '../../db/prepared-query.js';
import type { Database, UserRow } from '../../db/schema.js';

const usersByIds = preparedQuery((db, p: ParamRefs<{ ids: string[] }>) =>
  db.selectFrom('users').selectAll().where('id', 'in', p.ids('ids')),
);

/** Users by id, in one query (duplicates and an empty list cost nothing). */
export async function loadUsers(db: Kysely<Database>, userIds: Iterable<string>): Promise<Map<string, UserRow>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows = await usersByIds.execute(db, { ids });
  return new Map(rows.map((row) => [row.id, row]));
}
