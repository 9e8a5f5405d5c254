import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.js';
import { EventDispatcher } from '../../src/events/dispatcher.js';
import { Outbox } from '../../src/events/outbox.js';
import type { HandlerMap } from '../../src/events/types.js';
import { systemClock } from '../../src/clock.js';
import { createIdGenerator } from '../../src/ids/snowflake.js';
import { postgresDialect, postgresTestUrl, type TestDatabase } from '../support/databases.js';

const silent = { info: () => undefined, error: () => undefined };
const url = postgresTestUrl();

// Several claimers on one database is a Postgres deployment (SQLite has one claimer per file);
// global-setup.ts reports loudly when APERTURE_TEST_POSTGRES_URL is missing.
describe.skipIf(url === undefined)(
  'two dispatchers on one Postgres database (needs APERTURE_TEST_POSTGRES_URL)',
  () => {
    let t: TestDatabase;
    let second: Db;

    beforeAll(async () => {
      t = await postgresDialect(url!).create();
      // A second pool on the same schema: what a second server process would open.
      second = await openDatabase(t.config);
    });
    afterAll(async () => {
      await second?.close();
      await t?.cleanup();
    });

    it('share the outbox without handling any event twice (SKIP LOCKED)', async () => {
      const outbox = new Outbox({
        db: t.db,
        ids: createIdGenerator({ nodeId: 1 }),
        clock: systemClock,
        onCommitted: () => undefined,
      });
      const total = 400;
      for (let i = 0; i < total; i += 100) {
        await outbox.write(async (_trx, emit) => {
          for (let j = i; j < i + 100; j++) await emit({ type: 'post.created', postId: String(j), authorId: '1' });
        });
      }
      const calls = new Map<string, number>();
      const byDispatcher = [0, 0];
      const handlers = (which: 0 | 1): HandlerMap => ({
        'post.created': [
          async (e) => {
            calls.set(e.id, (calls.get(e.id) ?? 0) + 1);
            byDispatcher[which]!++;
            // Yield, so the two claim loops interleave.
            await new Promise((resolve) => setImmediate(resolve));
          },
        ],
      });
      const a = new EventDispatcher({
        db: t.db,
        clock: systemClock,
        log: silent,
        batchSize: 10,
      }).subscribe(handlers(0));
      const b = new EventDispatcher({
        db: second,
        clock: systemClock,
        log: silent,
        batchSize: 10,
      }).subscribe(handlers(1));

      const [doneByA, doneByB] = await Promise.all([a.drain(), b.drain()]);

      expect(doneByA + doneByB).toBe(total);
      expect(calls.size).toBe(total);
      expect([...calls.values()].every((n) => n === 1)).toBe(true);
      expect(byDispatcher).toEqual([doneByA, doneByB]);
      const left = await t.db.kysely.selectFrom('events').select('id').where('status', '!=', 'done').execute();
      expect(left).toEqual([]);
    });
  },
);
