import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { postgresCapabilities, sqliteCapabilities } from './capabilities.js';

function sqliteError(setup: string, failing: string): unknown {
  const db = new BetterSqlite3(':memory:');
  try {
    db.exec(setup);
    db.exec(failing);
  } catch (err) {
    return err;
  } finally {
    db.close();
  }
  throw new Error('expected the statement to fail');
}

// The contract suite covers the single-column keys Aperture's migrations create, on both real
// drivers; these cover the other message shapes SQLite produces, on a real in-memory database.
describe('sqliteCapabilities.isUniqueViolation', () => {
  it('lists every column of a multi-column key', () => {
    const err = sqliteError(
      'create table follows (a integer, b integer); create unique index f_ab on follows (a, b); insert into follows values (1, 2);',
      'insert into follows values (1, 2)',
    );
    expect(sqliteCapabilities.isUniqueViolation(err)).toEqual({
      table: 'follows',
      columns: ['a', 'b'],
      constraint: undefined,
    });
  });

  it('names an index on an expression', () => {
    const err = sqliteError(
      "create table t (name text); create unique index t_lower_name on t (lower(name)); insert into t values ('Ana');",
      "insert into t values ('ANA')",
    );
    expect(sqliteCapabilities.isUniqueViolation(err)).toEqual({
      table: undefined,
      columns: [],
      constraint: 't_lower_name',
    });
  });

  it('ignores other constraint failures', () => {
    const err = sqliteError('create table t (x text not null);', 'insert into t values (null)');
    expect(sqliteCapabilities.isUniqueViolation(err)).toBeNull();
    expect(sqliteCapabilities.isForeignKeyViolation(err)).toBe(false);
  });
});

// Shapes of pg's DatabaseError for cases the contract suite's real Postgres does not produce; the
// plain objects stand in for errors a live server would raise, to pin the detail parsing.
describe('postgresCapabilities.isUniqueViolation', () => {
  it('splits a multi-column key and keeps a value that contains ")=("', () => {
    const err = {
      code: '23505',
      table: 'follows',
      constraint: 'follows_pkey',
      detail: 'Key (follower_id, followee_id)=(1, 2)=(3) already exists.',
    };
    expect(postgresCapabilities.isUniqueViolation(err)).toEqual({
      table: 'follows',
      columns: ['follower_id', 'followee_id'],
      constraint: 'follows_pkey',
    });
  });

  it('still names the constraint when the detail is missing', () => {
    expect(postgresCapabilities.isUniqueViolation({ code: '23505', constraint: 'x_unique' })).toEqual({
      table: undefined,
      columns: [],
      constraint: 'x_unique',
    });
    expect(postgresCapabilities.isUniqueViolation({ code: '23503' })).toBeNull();
  });
});
