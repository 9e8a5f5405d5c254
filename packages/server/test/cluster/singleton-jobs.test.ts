import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ifAdvisoryLockFree } from '../../src/db/advisory-lock.js';
import { openDatabase, type Db } from '../../src/db/connect.js';
import { DIALECTS, type TestDatabase } from '../support/databases.js';

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe.each(DIALECTS)('periodic jobs that run once per deployment on $name', (dialect) => {
  let database: TestDatabase;
  let other: Db;

  beforeEach(async () => {
    database = await dialect.create();
    // Another process: a pool of its own on the same database.
    other = await openDatabase(database.config);
  });
  afterEach(async () => {
    await other.close();
    await database.cleanup();
  });

  it(
    dialect.name === 'postgres'
      ? 'a round held by one process is skipped by another, and runs again once it is free'
      : 'run every round (one process owns a SQLite file)',
    async () => {
      const runs: string[] = [];
      const working = gate();
      const finish = gate();
      const first = ifAdvisoryLockFree(database.db, 'sweep', async () => {
        runs.push('first');
        working.open();
        await finish.opened;
      });
      await working.opened;
      const second = await ifAdvisoryLockFree(other, 'sweep', async () => void runs.push('second'));
      // Another job's lock is another lock.
      expect(await ifAdvisoryLockFree(other, 'event pruning', async () => void runs.push('pruning'))).toBe(true);
      finish.open();
      expect(await first).toBe(true);
      expect(await ifAdvisoryLockFree(other, 'sweep', async () => void runs.push('third'))).toBe(true);
      if (dialect.name === 'postgres') {
        expect(second).toBe(false);
        expect(runs).toEqual(['first', 'pruning', 'third']);
      } else {
        expect(second).toBe(true);
        expect(runs).toEqual(['first', 'second', 'pruning', 'third']);
      }
    },
  );
});
