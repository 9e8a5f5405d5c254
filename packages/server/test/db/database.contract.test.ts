import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  MIGRATIONS,
  MigrationFailedError,
  UnsafeIntegerError,
  migrateToLatest,
  openDatabase,
} from '../../src/db/index.js';
import type { Database, Db } from '../../src/db/index.js';
import { idTimeRows } from '../../src/db/json-params.js';
import { DIALECTS } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { sessionRow, thrownBy, userRow } from './fixtures.js';

const ABOVE_2_53 = '9007199254740993'; // 2^53 + 1: a JS number would round it to ...992
const MAX_INT64 = '9223372036854775807';

async function countRows(kysely: Kysely<Database>, table: keyof Database): Promise<number> {
  const row = await kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return row.n as number;
}

describe.each(DIALECTS)('database contract on $name', (dialect) => {
  let t: TestDatabase;
  let db: Db;
  const extra: TestDatabase[] = [];

  beforeEach(async () => {
    t = await dialect.create();
    db = t.db;
  });
  afterEach(async () => {
    await t.cleanup();
    for (const more of extra.splice(0)) await more.cleanup();
  });

  it('reports its own dialect', () => {
    expect(db.caps.dialect).toBe(dialect.name);
    expect(db.caps.types.id).toBe('bigint');
  });

  it('applies every migration once; a second run applies nothing', async () => {
    const fresh = await dialect.create({ migrate: false });
    extra.push(fresh);
    expect(await migrateToLatest(fresh.db)).toEqual({ applied: Object.keys(MIGRATIONS) });
    expect(await migrateToLatest(fresh.db)).toEqual({ applied: [] });
    expect(await countRows(fresh.db.kysely, 'users')).toBe(0);
  });

  it('undoes the whole run when a migration fails', async () => {
    const fresh = await dialect.create({ migrate: false });
    extra.push(fresh);
    const broken = {
      ...MIGRATIONS,
      '9999_broken': () => ({
        async up(k: Kysely<unknown>) {
          await k.schema.createTable('half_built').addColumn('a', 'text').execute();
          throw new Error('boom');
        },
      }),
    };
    const err = await thrownBy(() => migrateToLatest(fresh.db, broken));
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect((err as MigrationFailedError).migration).toBe('9999_broken');
    expect((err as Error).message).toContain('boom');
    // The earlier migrations ran in the same transaction, so they are gone too.
    await expect(countRows(fresh.db.kysely, 'users')).rejects.toThrow();
    expect(await migrateToLatest(fresh.db)).toEqual({ applied: Object.keys(MIGRATIONS) });
  });

  it('keeps 64-bit ids exact, as decimal strings, in id and *_id columns', async () => {
    await db.kysely.insertInto('users').values(userRow(ABOVE_2_53, 'ana')).execute();
    await db.kysely.insertInto('sessions').values(sessionRow(MAX_INT64, ABOVE_2_53)).execute();

    const user = await db.kysely.selectFrom('users').select('id').where('id', '=', ABOVE_2_53).executeTakeFirst();
    expect(user).toEqual({ id: ABOVE_2_53 });
    const neighbour = await db.kysely.selectFrom('users').select('id').where('id', '=', '9007199254740992').execute();
    expect(neighbour).toEqual([]);

    const session = await db.kysely.selectFrom('sessions').select(['id', 'user_id']).executeTakeFirstOrThrow();
    expect(session).toEqual({ id: MAX_INT64, user_id: ABOVE_2_53 });
  });

  it('returns other integers, count(*) included, as numbers', async () => {
    await db.kysely.insertInto('users').values(userRow('1', 'ana')).execute();
    await db.kysely
      .insertInto('users')
      .values(userRow('2', 'bob', { is_private: 1 }))
      .execute();
    const rows = await db.kysely.selectFrom('users').select(['id', 'is_private']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: '1', is_private: 0 },
      { id: '2', is_private: 1 },
    ]);
    expect(await countRows(db.kysely, 'users')).toBe(2);
    const raw = await sql<{ n: unknown }>`select count(*) as n from users`.execute(db.kysely);
    expect(raw.rows).toEqual([{ n: 2 }]);
  });

  it('refuses to round a large integer that is not in an id column', async () => {
    await expect(sql`select ${sql.lit(BigInt(ABOVE_2_53))} as big`.execute(db.kysely)).rejects.toThrow(
      UnsafeIntegerError,
    );
    const asId = await sql`select ${sql.lit(BigInt(ABOVE_2_53))} as big_id`.execute(db.kysely);
    expect(asId.rows).toEqual([{ big_id: ABOVE_2_53 }]);
  });

  it('round-trips timestamps as identical ISO strings that sort in time order', async () => {
    const times = ['2024-02-29T23:59:59.999Z', '1999-12-31T00:00:00.000Z', '2024-03-01T00:00:00.001Z'];
    for (const [i, at] of times.entries()) {
      await db.kysely
        .insertInto('users')
        .values(userRow(String(i + 1), `u${i}`, { created_at: at, last_active_at: at }))
        .execute();
    }
    const rows = await db.kysely.selectFrom('users').select(['id', 'created_at']).orderBy('created_at').execute();
    expect(rows).toEqual([
      { id: '2', created_at: '1999-12-31T00:00:00.000Z' },
      { id: '1', created_at: '2024-02-29T23:59:59.999Z' },
      { id: '3', created_at: '2024-03-01T00:00:00.001Z' },
    ]);
    const later = await db.kysely
      .selectFrom('users')
      .select('id')
      .where('created_at', '>', '2024-02-29T23:59:59.999Z')
      .execute();
    expect(later).toEqual([{ id: '3' }]);
  });

  it('names the unique key a write collided with: username or email', async () => {
    await db.kysely.insertInto('users').values(userRow('1', 'ana')).execute();

    const sameName = await thrownBy(() =>
      db.kysely
        .insertInto('users')
        .values(userRow('2', 'ana', { email: 'x@example.com', email_key: 'x@example.com' }))
        .execute(),
    );
    const byName = db.caps.isUniqueViolation(sameName);
    expect(byName).toMatchObject({ table: 'users', columns: ['username_key'] });
    if (dialect.name === 'postgres') expect(byName?.constraint).toBe('users_username_key_unique');

    const sameEmail = await thrownBy(() =>
      db.kysely
        .insertInto('users')
        .values(userRow('3', 'bob', { email_key: 'ana@example.com' }))
        .execute(),
    );
    const byEmail = db.caps.isUniqueViolation(sameEmail);
    expect(byEmail).toMatchObject({ table: 'users', columns: ['email_key'] });
    if (dialect.name === 'postgres') expect(byEmail?.constraint).toBe('users_email_key_unique');

    expect(db.caps.isUniqueViolation(new Error('UNIQUE constraint failed: users.id'))).toBeNull();
    expect(db.caps.isUniqueViolation(undefined)).toBeNull();
  });

  it('treats usernames differing only in case as the same account', async () => {
    await db.kysely.insertInto('users').values(userRow('1', 'Ana')).execute();
    const err = await thrownBy(() =>
      db.kysely
        .insertInto('users')
        .values(userRow('2', 'ANA', { email_key: 'other@example.com' }))
        .execute(),
    );
    expect(db.caps.isUniqueViolation(err)?.columns).toEqual(['username_key']);
    expect(await countRows(db.kysely, 'users')).toBe(1);
  });

  it('reports a primary-key clash as a unique violation, and upserts work', async () => {
    const row = { username_key: 'ana', failures: 1, last_failure_at: '2024-01-01T00:00:00.000Z', locked_until: null };
    await db.kysely.insertInto('login_throttle').values(row).execute();
    const err = await thrownBy(() => db.kysely.insertInto('login_throttle').values(row).execute());
    expect(db.caps.isUniqueViolation(err)).toMatchObject({ table: 'login_throttle', columns: ['username_key'] });

    await db.kysely
      .insertInto('login_throttle')
      .values(row)
      .onConflict((oc) =>
        oc.column('username_key').doUpdateSet((eb) => ({ failures: eb('login_throttle.failures', '+', 1) })),
      )
      .execute();
    const after = await db.kysely.selectFrom('login_throttle').select('failures').executeTakeFirstOrThrow();
    expect(after.failures).toBe(2);
  });

  it('enforces foreign keys and cascades a user delete to their sessions', async () => {
    await db.kysely
      .insertInto('users')
      .values([userRow('1', 'ana'), userRow('2', 'bob')])
      .execute();
    await db.kysely
      .insertInto('sessions')
      .values([sessionRow('10', '1'), sessionRow('11', '1'), sessionRow('12', '2')])
      .execute();

    const orphan = await thrownBy(() => db.kysely.insertInto('sessions').values(sessionRow('13', '999')).execute());
    expect(db.caps.isForeignKeyViolation(orphan)).toBe(true);
    expect(db.caps.isUniqueViolation(orphan)).toBeNull();

    await db.kysely.deleteFrom('users').where('id', '=', '1').execute();
    const left = await db.kysely.selectFrom('sessions').select(['id', 'user_id']).execute();
    expect(left).toEqual([{ id: '12', user_id: '2' }]);
  });

  it('rolls back a transaction that throws', async () => {
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await trx.insertInto('users').values(userRow('1', 'ana')).execute();
        await trx.insertInto('sessions').values(sessionRow('10', '1')).execute();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await countRows(db.kysely, 'users')).toBe(0);
    expect(await countRows(db.kysely, 'sessions')).toBe(0);
  });

  it('lands every one of 20 concurrent transactions', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.kysely.transaction().execute(async (trx) => {
          await trx
            .insertInto('users')
            .values(userRow(String(100 + i), `user${i}`))
            .execute();
          await trx
            .insertInto('sessions')
            .values(sessionRow(String(200 + i), String(100 + i)))
            .execute();
        }),
      ),
    );
    expect(await countRows(db.kysely, 'users')).toBe(20);
    expect(await countRows(db.kysely, 'sessions')).toBe(20);
  });

  it('updates rows from one JSON parameter of (id, time) pairs, 64-bit ids exact', async () => {
    await db.kysely
      .insertInto('users')
      .values([userRow(ABOVE_2_53, 'big'), userRow('7', 'seven'), userRow('8', 'eight')])
      .execute();
    const later = '2025-01-02T03:04:05.678Z';
    const rows = idTimeRows(db.caps, [
      [ABOVE_2_53, later],
      ['7', '2020-01-01T00:00:00.000Z'],
      ['not-an-id', later],
    ]);
    await sql`update users set last_active_at = v.at from ${rows} as v
      where users.id = v.id and users.last_active_at < v.at`.execute(db.kysely);
    const after = await db.kysely.selectFrom('users').select(['id', 'last_active_at']).orderBy('id').execute();
    // 2^53 + 1 moved forward (a rounded id would have missed it), 7 was not moved back, 8 was not named.
    expect(after).toEqual([
      { id: '7', last_active_at: '2024-05-06T07:08:09.123Z' },
      { id: '8', last_active_at: '2024-05-06T07:08:09.123Z' },
      { id: ABOVE_2_53, last_active_at: later },
    ]);
  });

  it('keeps committed data across close and reopen, and answers ping', async () => {
    await db.ping();
    await db.kysely.insertInto('users').values(userRow(ABOVE_2_53, 'ana')).execute();
    await db.close();
    await db.close(); // closing twice is harmless

    const reopened = await openDatabase(t.config);
    try {
      await reopened.ping();
      expect(await migrateToLatest(reopened)).toEqual({ applied: [] });
      const rows = await reopened.kysely.selectFrom('users').select(['id', 'username']).execute();
      expect(rows).toEqual([{ id: ABOVE_2_53, username: 'ana' }]);
    } finally {
      await reopened.close();
    }
  });
});
