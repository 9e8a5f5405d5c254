import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';

import { IdParamsPlugin } from './id-params-plugin.js';

interface Db {
  posts: { id: string; author_id: string; caption: string; blob_upload_id: string | null };
}

const sqlite = new BetterSqlite3(':memory:');
const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: sqlite }), plugins: [new IdParamsPlugin()] });
afterAll(() => db.destroy());

describe('IdParamsPlugin', () => {
  it('binds canonical id strings compared with id columns as integers', () => {
    const q = db
      .selectFrom('posts')
      .selectAll()
      .where('id', '=', '123')
      .where('posts.author_id', 'in', ['1', '9223372036854775807'])
      .where('caption', '=', '42')
      .compile();
    expect(q.sql).toBe(
      'select * from "posts" where "id" = ? and "posts"."author_id" in (select value from json_each(?)) and "caption" = ?',
    );
    expect(q.parameters).toEqual([123n, '[1,9223372036854775807]', '42']);
  });

  it('leaves what is not exactly an INTEGER as it was', () => {
    const q = db
      .selectFrom('posts')
      .selectAll()
      .where('id', 'in', ['0123', '+5', '9223372036854775808', 'abc', ''])
      .compile();
    // Not all ids: the list stays a list of parameters, each as it was.
    expect(q.sql).toBe('select * from "posts" where "id" in (?, ?, ?, ?, ?)');
    expect(q.parameters).toEqual(['0123', '+5', '9223372036854775808', 'abc', '']);
  });

  it('converts id columns of inserts and updates only', () => {
    const insert = db
      .insertInto('posts')
      .values([
        { id: '5', author_id: '6', caption: '7', blob_upload_id: '8' },
        { id: '9', author_id: '10', caption: 'x', blob_upload_id: null },
      ])
      .compile();
    expect(insert.parameters).toEqual([5n, 6n, '7', 8n, 9n, 10n, 'x', null]);
    const update = db.updateTable('posts').set({ author_id: '11', caption: '12' }).where('id', '=', '13').compile();
    expect(update.parameters).toEqual([11n, '12', 13n]);
  });

  it('finds the same rows as text parameters did', async () => {
    sqlite.exec(
      "create table posts (id bigint primary key, author_id bigint, caption text, blob_upload_id text); insert into posts values (1, 2, '3', '4');",
    );
    const rows = await db
      .selectFrom('posts')
      .select(['caption', 'blob_upload_id'])
      .where('author_id', '=', '2')
      .execute();
    expect(rows).toEqual([{ caption: '3', blob_upload_id: '4' }]);
    await db.insertInto('posts').values({ id: '7', author_id: '2', caption: '8', blob_upload_id: '9' }).execute();
    // TEXT columns keep text even where the value looked like an id.
    expect(sqlite.prepare('select typeof(blob_upload_id) t, typeof(id) i from posts where id = 7').get()).toEqual({
      t: 'text',
      i: 'integer',
    });
  });
});
