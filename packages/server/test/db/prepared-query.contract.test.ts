import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { MAX_ID, preparedQuery } from '../../src/db/index.js';
import type { Db, ParamRefs } from '../../src/db/index.js';
import { DIALECTS } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { userRow } from './fixtures.js';

const ABOVE_2_53 = '9007199254740993'; // 2^53 + 1: a JS number would round it

const usersByIds = preparedQuery((db, p: ParamRefs<{ ids: string[] }>) =>
  db.selectFrom('users').select(['id', 'username', 'follower_count']).where('id', 'in', p.ids('ids')).orderBy('id'),
);

const userBelow = preparedQuery((db, p: ParamRefs<{ below: string; name: string; limit: number }>) =>
  db
    .selectFrom('users')
    .select('id')
    .where('id', '<', p.id('below'))
    .where('username', '!=', p.value('name'))
    .orderBy('id', 'desc')
    .limit(p.value('limit')),
);

const usersJoinedToIds = preparedQuery((db, p: ParamRefs<{ ids: string[] }>) =>
  db
    .selectFrom(p.idTable('ids', 'wanted'))
    .innerJoin('users', 'users.id', 'wanted.value')
    .select(['users.id', 'users.username'])
    .orderBy('users.id'),
);

const usersWhereIdIn = preparedQuery((db, p: ParamRefs<{ ids: string[] }>) =>
  db.selectFrom('users').select(['id', 'username']).where(p.idIn('users.id', 'ids')).orderBy('id'),
);

describe.each(DIALECTS)('preparedQuery on $name', (dialect) => {
  let t: TestDatabase;
  let db: Db;

  beforeEach(async () => {
    t = await dialect.create();
    db = t.db;
    // One by one: a multi-row insert with different columns fills the gaps with NULL on SQLite.
    for (const row of [userRow('1', 'ann'), userRow('2', 'bob'), userRow(ABOVE_2_53, 'cy', { follower_count: 7 })]) {
      await db.kysely.insertInto('users').values(row).execute();
    }
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('returns what the same query built each time returns, in the shapes of schema.ts', async () => {
    const rows = await usersByIds.execute(db.kysely, { ids: ['2', ABOVE_2_53, '404'] });
    expect(rows).toEqual([
      { id: '2', username: 'bob', follower_count: 0 },
      { id: ABOVE_2_53, username: 'cy', follower_count: 7 },
    ]);
    const built = await db.kysely
      .selectFrom('users')
      .select(['id', 'username', 'follower_count'])
      .where('id', 'in', ['2', ABOVE_2_53, '404'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual(built);
  });

  it('binds new values on every run, not the first run’s', async () => {
    expect((await usersByIds.execute(db.kysely, { ids: ['1'] })).map((r) => r.id)).toEqual(['1']);
    expect((await usersByIds.execute(db.kysely, { ids: ['2', '1'] })).map((r) => r.id)).toEqual(['1', '2']);
    expect(await usersByIds.execute(db.kysely, { ids: [] })).toEqual([]);
    const below = (values: { below: string; name: string; limit: number }) =>
      userBelow.execute(db.kysely, values).then((rows) => rows.map((r) => r.id));
    expect(await below({ below: MAX_ID, name: 'nobody', limit: 10 })).toEqual([ABOVE_2_53, '2', '1']);
    expect(await below({ below: ABOVE_2_53, name: 'bob', limit: 10 })).toEqual(['1']);
    expect(await below({ below: MAX_ID, name: 'cy', limit: 1 })).toEqual(['2']);
  });

  it('joins a list of ids as a table', async () => {
    expect(await usersJoinedToIds.execute(db.kysely, { ids: [ABOVE_2_53, '1', '404'] })).toEqual([
      { id: '1', username: 'ann' },
      { id: ABOVE_2_53, username: 'cy' },
    ]);
    expect(await usersJoinedToIds.execute(db.kysely, { ids: [] })).toEqual([]);
  });

  it('names no row with an id that is not a canonical decimal', async () => {
    // '01' and ' 1' would equal 1 if converted loosely; an id is only ever the canonical form.
    expect(await usersByIds.execute(db.kysely, { ids: ['01', ' 1', '1e0', '-1', '99999999999999999999'] })).toEqual([]);
  });

  it('tests membership in a list of ids with idIn, ignoring what is not a canonical id', async () => {
    const found = await usersWhereIdIn.execute(db.kysely, {
      ids: [ABOVE_2_53, '1', '007', '99', '9223372036854775808'],
    });
    expect(found.map((r) => r.username)).toEqual(['ann', 'cy']);
    expect(await usersWhereIdIn.execute(db.kysely, { ids: [] })).toEqual([]);
  });

  it('runs inside a transaction, seeing its uncommitted rows', async () => {
    await db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('users').values(userRow('5', 'dee')).execute();
      expect((await usersByIds.execute(trx, { ids: ['5'] })).map((r) => r.username)).toEqual(['dee']);
      expect(await usersByIds.executeTakeFirst(trx, { ids: ['5'] })).toMatchObject({ id: '5' });
    });
  });
});

const wholeUser = preparedQuery((db, p: ParamRefs<{ id: string }>) =>
  db.selectFrom('users').selectAll().where('id', '=', p.id('id')),
);

describe.each(DIALECTS.filter((d) => d.name === 'postgres'))('preparedQuery on $name: named statements', (dialect) => {
  let t: TestDatabase;
  let db: Db;

  beforeEach(async () => {
    t = await dialect.create();
    db = t.db;
    await db.kysely.insertInto('users').values(userRow('1', 'ann')).execute();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('prepares a hot statement once per connection, under its name', async () => {
    await db.kysely.connection().execute(async (conn) => {
      expect((await usersByIds.execute(conn, { ids: ['1'] })).map((r) => r.username)).toEqual(['ann']);
      expect(await usersByIds.execute(conn, { ids: ['2'] })).toEqual([]);
      const { rows } = await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements where statement like '%follower_count%'`.execute(conn);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.name).toMatch(/^aperture_hot_\d+$/);
    });
  });

  it('runs a hot statement unnamed on a connection once the table under it changed', async () => {
    await db.kysely.connection().execute(async (conn) => {
      expect(await wholeUser.execute(conn, { id: '1' })).toHaveLength(1);
      // Another connection (another process's migration) adds a column: the prepared plan of
      // `select *` no longer fits, and Postgres refuses to run it.
      await sql`alter table users add column extra text`.execute(db.kysely);
      const [row] = await wholeUser.execute(conn, { id: '1' });
      expect(row).toMatchObject({ id: '1', username: 'ann', extra: null });
      expect(await wholeUser.execute(conn, { id: '1' })).toHaveLength(1);
    });
  });
});
