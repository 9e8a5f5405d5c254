import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.js';
import { EventDispatcher } from '../../src/events/dispatcher.js';
import { Outbox, type Emit } from '../../src/events/outbox.js';
import { createIdGenerator } from '../../src/ids/snowflake.js';
import { systemClock } from '../../src/clock.js';
import { DIALECTS, type TestDatabase } from '../support/databases.js';

const silent = { info: () => undefined, error: () => undefined };

describe.each(DIALECTS)('the outbox as the unit of work on $name', (dialect) => {
  let t: TestDatabase;
  /** A second connection, as another process has: it sees only what was committed. */
  let other: Db;
  const ids = createIdGenerator({ nodeId: 1 });

  beforeEach(async () => {
    t = await dialect.create();
    other = await openDatabase(t.config);
  });
  afterEach(async () => {
    await other.close();
    await t.cleanup();
  });

  const committedEvents = () => other.kysely.selectFrom('events').select(['type', 'payload']).orderBy('id').execute();

  /** An outbox whose wake-ups are counted, each with what another connection could read at that moment. */
  const watchedOutbox = () => {
    const wakes: Promise<number>[] = [];
    const outbox = new Outbox({
      db: t.db,
      ids,
      clock: systemClock,
      onCommitted: () => void wakes.push(committedEvents().then((rows) => rows.length)),
    });
    return { outbox, wakes };
  };

  it('a write that rolls back leaves no event and wakes nobody', async () => {
    const { outbox, wakes } = watchedOutbox();
    await expect(
      outbox.write(async (_trx, emit) => {
        await emit({ type: 'post.deleted', postId: '1', authorId: '2' });
        // Emitted, not committed: no wake-up yet.
        expect(wakes).toHaveLength(0);
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    expect(wakes).toHaveLength(0);
    expect(await committedEvents()).toEqual([]);
  });

  it('a committed write wakes once, after the commit, with its events readable elsewhere', async () => {
    const { outbox, wakes } = watchedOutbox();
    const result = await outbox.write(async (_trx, emit) => {
      await emit({ type: 'mute.created', muterId: '1', mutedId: '2' });
      await emit({ type: 'mute.removed', muterId: '1', mutedId: '2' });
      expect(wakes).toHaveLength(0);
      return 'the write’s own result';
    });
    expect(result).toBe('the write’s own result');
    expect(wakes).toHaveLength(1);
    expect(await wakes[0]).toBe(2);
    expect((await committedEvents()).map((row) => row.type)).toEqual(['mute.created', 'mute.removed']);
  });

  it('a committed write that emitted nothing wakes nobody', async () => {
    const { outbox, wakes } = watchedOutbox();
    await outbox.write(async (trx) => {
      await trx.selectFrom('events').select('id').execute();
    });
    expect(wakes).toHaveLength(0);
  });

  it('refuses an event emitted after its transaction ended', async () => {
    const { outbox, wakes } = watchedOutbox();
    let late: Emit | undefined;
    await outbox.write(async (_trx, emit) => {
      late = emit;
    });
    await expect(late!({ type: 'post.created', postId: '1', authorId: '2' })).rejects.toThrow(/after its transaction/);
    expect(wakes).toHaveLength(0);
    expect(await committedEvents()).toEqual([]);
  });

  it('wakes a running dispatcher: a committed event is delivered long before the next poll', async () => {
    const delivered: string[] = [];
    // A poll a minute apart: anything delivered within seconds was delivered because of the wake-up.
    const dispatcher = new EventDispatcher({ db: t.db, clock: systemClock, log: silent, pollMs: 60_000 }).subscribe({
      'post.created': [async (event) => void delivered.push(event.postId)],
    });
    const outbox = new Outbox({ db: t.db, ids, clock: systemClock, onCommitted: () => dispatcher.kick() });
    dispatcher.start();
    try {
      // Let its first look (which finds nothing) end, so it is asleep when the events come.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(
        outbox.write(async (_trx, emit) => {
          await emit({ type: 'post.created', postId: 'rolled back', authorId: '2' });
          throw new Error('the write failed');
        }),
      ).rejects.toThrow('the write failed');
      await outbox.write((_trx, emit) => emit({ type: 'post.created', postId: 'committed', authorId: '2' }));
      await expect.poll(() => delivered, { timeout: 10_000 }).toEqual(['committed']);
    } finally {
      await dispatcher.stop();
    }
  });
});
