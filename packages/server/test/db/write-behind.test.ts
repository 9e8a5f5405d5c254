import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Database, Db } from '../../src/db/index.js';
import { writeBehindTransaction } from '../../src/db/write-behind.js';
import { DIALECTS } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { userRow } from './fixtures.js';

/** How this connection (or transaction) commits: SQLite's `synchronous`, Postgres' `synchronous_commit`. */
async function commitMode(db: Db, on: Kysely<Database>): Promise<string> {
  if (db.caps.dialect === 'sqlite') {
    const { rows } = await sql<{ synchronous: bigint | number }>`pragma synchronous`.execute(on);
    return ['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(rows[0]!.synchronous)]!;
  }
  const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(on);
  return rows[0]!.synchronous_commit;
}

describe.each(DIALECTS)('write-behind transactions on $name', (dialect) => {
  let t: TestDatabase;
  let db: Db;
  const durable = dialect.name === 'sqlite' ? 'FULL' : 'on';
  const relaxed = dialect.name === 'sqlite' ? 'NORMAL' : 'off';

  beforeEach(async () => {
    t = await dialect.create();
    db = t.db;
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('commits without waiting for the disk, and only that transaction', async () => {
    expect(await commitMode(db, db.kysely)).toBe(durable);
    let inside = '';
    await writeBehindTransaction(db, async (trx) => {
      inside = await commitMode(db, trx);
      await trx.insertInto('users').values(userRow('1', 'amy')).execute();
    });
    expect(inside).toBe(relaxed);
    expect(await commitMode(db, db.kysely)).toBe(durable);
    const row = await db.kysely.selectFrom('users').select('username').where('id', '=', '1').executeTakeFirst();
    expect(row?.username).toBe('amy');
  });

  it('lets no other write commit under the relaxed setting while it runs', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const inWork = new Promise<void>((resolve) => (started = resolve));
    const behind = writeBehindTransaction(db, async (trx) => {
      await trx.insertInto('users').values(userRow('1', 'amy')).execute();
      started();
      await held;
    });
    await inWork;
    // An ordinary write issued meanwhile: on SQLite it waits for the connection, on Postgres it
    // runs on a connection of its own; either way it commits durably.
    const ordinary = db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('users').values(userRow('2', 'bob')).execute();
      return commitMode(db, trx);
    });
    release();
    await behind;
    expect(await ordinary).toBe(durable);
    expect(await commitMode(db, db.kysely)).toBe(durable);
  });

  it('rolls back what it wrote when the work throws, and restores the durable setting', async () => {
    await expect(
      writeBehindTransaction(db, async (trx) => {
        await trx.insertInto('users').values(userRow('1', 'amy')).execute();
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await db.kysely.selectFrom('users').select('id').execute()).toEqual([]);
    expect(await commitMode(db, db.kysely)).toBe(durable);
  });
});
