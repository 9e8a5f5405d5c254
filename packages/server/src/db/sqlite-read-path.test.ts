import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { homeSkeleton } from '../modules/feed/skeleton.js';
import { DEFAULT_FEED_SETTINGS } from '../config/feed-settings.js';
import { openDatabase, type Db } from './connect.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { preparedQuery } from './prepared-query.js';
import { readDirectly, withStatementCache } from './sqlite.js';

let dir: string;
let file: string;
let db: Db;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aperture-read-path-'));
  file = join(dir, 'aperture.db');
  db = await openDatabase({ kind: 'sqlite', path: file });
  await migrateToLatest(db);
});

afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('withStatementCache', () => {
  it('hands out the same prepared statement for the same SQL, and evicts the least recently used', () => {
    const raw = new BetterSqlite3(':memory:');
    const cached = withStatementCache(raw, 2);
    const a = cached.prepare('select 1');
    expect(cached.prepare('select 1')).toBe(a);
    const b = cached.prepare('select 2');
    cached.prepare('select 1'); // now "select 2" is the least recently used
    cached.prepare('select 3');
    expect(cached.prepare('select 1')).toBe(a);
    expect(cached.prepare('select 2')).not.toBe(b);
    cached.close();
  });

  it('gives a fresh statement while the cached one is busy iterating', () => {
    // Kysely serialises queries on its one connection, so this cannot happen through it today; the
    // cache must still never hand out a statement that is mid-iteration.
    const raw = new BetterSqlite3(':memory:');
    const cached = withStatementCache(raw);
    raw.exec('create table t (n integer); insert into t values (1), (2), (3);');
    const sql = 'select n from t order by n';
    const first = cached.prepare(sql);
    const seen: number[][] = [];
    for (const row of first.iterate([]) as IterableIterator<{ n: number }>) {
      const nested = cached.prepare(sql);
      expect(nested).not.toBe(first);
      seen.push([row.n, nested.all([]).length]);
    }
    expect(seen).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(cached.prepare(sql)).toBe(first);
    cached.close();
  });
});

describe('the home feed read path on SQLite', () => {
  it('pulls unpushed posts through the partial index posts_unpushed_idx', async () => {
    // Capture the SQL the skeleton really runs, then ask SQLite how it would run each posts query.
    const statements: { sql: string; parameters: readonly unknown[] }[] = [];
    const raw = new BetterSqlite3(file);
    raw.defaultSafeIntegers(true);
    const kysely = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(raw) }),
      log: (event) => {
        statements.push({ sql: event.query.sql, parameters: event.query.parameters });
      },
    });
    const fresh = new Date().toISOString();
    // A viewer whose timeline is fresh: the skeleton reads it and pulls only unpushed posts.
    await kysely
      .insertInto('users')
      .values({
        id: '1',
        username: 'ana',
        username_key: 'ana',
        email: 'ana@example.com',
        email_key: 'ana@example.com',
        password_hash: 'x',
        display_name: 'Ana',
        bio: '',
        created_at: fresh,
        updated_at: fresh,
        last_active_at: fresh,
        timeline_rebuilt_at: fresh,
      })
      .execute();
    statements.length = 0;
    await homeSkeleton(kysely, { now: () => new Date() }, DEFAULT_FEED_SETTINGS, '1', undefined, 21);
    const unpushed = statements.filter((s) => s.sql.includes('"pushed" = 0'));
    expect(unpushed).toHaveLength(1);
    const plan = raw
      .prepare(`explain query plan ${unpushed[0]!.sql}`)
      .all(...unpushed[0]!.parameters)
      .map((row) => (row as { detail: string }).detail)
      .join('\n');
    expect(plan).toContain('posts_unpushed_idx');
    await kysely.destroy();
  });
});

describe('readDirectly: prepared reads off Kysely’s asynchronous path', () => {
  // A table of this test's own: the schema's type does not know it.
  type Probe = Kysely<{ direct_probe: { id: string; name: string } }>;
  const countOf = preparedQuery<{ name: string }, { n: number; first_id: string | null }>((kysely, p) =>
    (kysely as unknown as Probe)
      .selectFrom('direct_probe')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('id').as('first_id')])
      .where('name', '=', p.value('name')),
  );

  beforeAll(async () => {
    await sql`create table direct_probe (id integer primary key, name text not null)`.execute(db.kysely);
    await sql`insert into direct_probe (id, name) values (9007199254740993, 'a')`.execute(db.kysely);
  });

  it('answers a read at once, with the rows Kysely would give (ids as exact strings)', async () => {
    const compiled = sql`select id, name from direct_probe where name = ${'a'}`.compile(db.kysely);
    const direct = readDirectly(db.kysely, compiled.sql, compiled.parameters);
    expect(direct).toEqual([{ id: '9007199254740993', name: 'a' }]);
    expect(direct).toEqual((await db.kysely.executeQuery(compiled)).rows);
    expect(await countOf.executeTakeFirst(db.kysely, { name: 'a' })).toEqual({ n: 1, first_id: '9007199254740993' });
  });

  it('leaves writes, transactions and other databases to Kysely', async () => {
    const write = sql`insert into direct_probe (name) values (${'w'})`.compile(db.kysely);
    expect(readDirectly(db.kysely, write.sql, write.parameters)).toBeUndefined();
    const read = sql`select count(*) as n from direct_probe`.compile(db.kysely);
    await db.kysely.transaction().execute(async (trx) => {
      expect(readDirectly(trx, read.sql, read.parameters)).toBeUndefined();
      expect(readDirectly(db.kysely, read.sql, read.parameters)).toBeUndefined(); // one is open
    });
    const other = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
    expect(readDirectly(other, read.sql, read.parameters)).toBeUndefined();
    await other.destroy();
    await sql`delete from direct_probe where name = 'w'`.execute(db.kysely);
  });

  it('never shows a read the rows of a transaction still open: it waits for its outcome', async () => {
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = db.kysely
      .transaction()
      .execute(async (trx) => {
        await sql`insert into direct_probe (name) values ('b')`.execute(trx);
        inside();
        await held;
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await opened;
    const read = countOf.executeTakeFirst(db.kysely, { name: 'b' });
    release();
    await transaction;
    expect(await read).toEqual({ n: 0, first_id: null });
  });
});
