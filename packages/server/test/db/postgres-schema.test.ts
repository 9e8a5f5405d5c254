import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';

import { DatabaseConnectError, openDatabase } from '../../src/db/index.js';
import { postgresDialect, postgresTestUrl } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { userRow } from './fixtures.js';

const url = postgresTestUrl();

// Postgres-only behaviour. Without APERTURE_TEST_POSTGRES_URL these are reported as skipped, and
// global-setup.ts prints a loud warning that the Postgres half did not run.
describe.skipIf(url === undefined)('Postgres schemas', () => {
  const opened: TestDatabase[] = [];
  const create = async (): Promise<TestDatabase> => {
    const t = await postgresDialect(url ?? '').create();
    opened.push(t);
    return t;
  };
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.cleanup();
  });

  async function schemaExists(name: string): Promise<boolean> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const res = await client.query('select 1 from information_schema.schemata where schema_name = $1', [name]);
      return res.rowCount === 1;
    } finally {
      await client.end();
    }
  }

  it('keeps each test schema invisible to the others', async () => {
    const a = await create();
    const b = await create();
    expect(a.db.schema).toMatch(/^t_[0-9a-f]{12}$/);
    expect(b.db.schema).not.toBe(a.db.schema);

    await sql`create table only_in_a (x integer)`.execute(a.db.kysely);
    await a.db.kysely.insertInto('users').values(userRow('1', 'ana')).execute();

    await expect(sql`select * from only_in_a`.execute(b.db.kysely)).rejects.toThrow(/only_in_a/);
    expect(await b.db.kysely.selectFrom('users').selectAll().execute()).toEqual([]);
    expect(await a.db.kysely.selectFrom('users').select('id').execute()).toEqual([{ id: '1' }]);
  });

  it('drops the schema on cleanup', async () => {
    const t = await create();
    const schema = t.db.schema ?? '';
    expect(await schemaExists(schema)).toBe(true);
    await t.cleanup();
    opened.splice(opened.indexOf(t), 1);
    expect(await schemaExists(schema)).toBe(false);
  });

  it('returns timestamps in UTC whatever offset they were written with', async () => {
    const t = await create();
    const { rows } = await sql<{ at: string }>`select '2024-01-01 05:30:00.25+05:30'::timestamptz as at`.execute(
      t.db.kysely,
    );
    expect(rows).toEqual([{ at: '2024-01-01T00:00:00.250Z' }]);
  });

  it('leaves the pg module-wide parsers alone', async () => {
    const t = await create();
    await t.db.ping();
    // Another Pool in the same process still gets pg's defaults: int8 as string, timestamptz as Date.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const res = await client.query<{ n: unknown; at: unknown }>(`select 9007199254740993::int8 as n, now() as at`);
      expect(res.rows[0]?.n).toBe('9007199254740993');
      expect(res.rows[0]?.at).toBeInstanceOf(Date);
    } finally {
      await client.end();
    }
  });

  it('fails to open with a clear error when the server cannot be reached', async () => {
    const open = openDatabase({ kind: 'postgres', url: 'postgres://aperture:s3cret@127.0.0.1:1/nothing' });
    const err = await open.then(
      () => new Error('opened a database that should not exist'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatabaseConnectError);
    expect((err as Error).message).toContain('127.0.0.1:1');
    expect((err as Error).message).not.toContain('s3cret');
  });
});
