import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { migrateToLatest, MIGRATIONS, openDatabase } from '../../src/db/index.js';
import { sqliteDialect } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { userRow } from './fixtures.js';

async function pragma(t: TestDatabase, name: string): Promise<unknown> {
  const { rows } = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(t.db.kysely);
  // The result column is not always named after the pragma (busy_timeout answers in "timeout").
  return Object.values(rows[0] ?? {})[0];
}

describe('SQLite file settings', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await sqliteDialect.create();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('uses WAL with full sync, foreign keys and a busy timeout', async () => {
    expect(await pragma(t, 'journal_mode')).toBe('wal');
    expect(await pragma(t, 'synchronous')).toBe(2); // FULL
    expect(await pragma(t, 'foreign_keys')).toBe(1);
    expect(await pragma(t, 'busy_timeout')).toBe(5000);
  });

  it('writes through the WAL file and keeps the data after a reopen', async () => {
    if (t.config.kind !== 'sqlite') throw new Error('expected a SQLite config');
    await t.db.kysely.insertInto('users').values(userRow('42', 'ana')).execute();
    expect((await stat(`${t.config.path}-wal`)).size).toBeGreaterThan(0);
    await t.db.close();

    const again = await openDatabase(t.config);
    try {
      const rows = await again.kysely.selectFrom('users').select('id').execute();
      expect(rows).toEqual([{ id: '42' }]);
    } finally {
      await again.close();
    }
  });
});

describe('SQLite paths', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aperture-path-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates missing parent folders', async () => {
    const path = join(dir, 'nested', 'deeper', 'aperture.db');
    const db = await openDatabase({ kind: 'sqlite', path });
    try {
      await migrateToLatest(db);
      expect((await stat(path)).isFile()).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('opens an in-memory database for unit tests', async () => {
    const db = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    try {
      expect(await migrateToLatest(db)).toEqual({ applied: Object.keys(MIGRATIONS) });
      await db.kysely.insertInto('users').values(userRow('7', 'ana')).execute();
      expect(await db.kysely.selectFrom('users').select('id').execute()).toEqual([{ id: '7' }]);
    } finally {
      await db.close();
    }
  });
});
