import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventDispatcher, EVENT_LEASE_MS, type EventDispatcherOptions } from '../../src/events/dispatcher.js';
import { Outbox } from '../../src/events/outbox.js';
import type { HandlerMap } from '../../src/events/types.js';
import { createIdGenerator } from '../../src/ids/snowflake.js';
import { earlierHolderPatterns } from '../../src/lib/lease.js';
import { DIALECTS, type TestDatabase } from '../support/databases.js';
import { manualClock } from '../support/server.js';

const silent = { info: () => undefined, error: () => undefined };

/** A promise the test resolves when it wants a handler to go on. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe.each(DIALECTS)('outbox leases on $name', (dialect) => {
  let t: TestDatabase;
  const clock = manualClock(new Date('2026-11-23T12:00:00.000Z'));
  const ids = createIdGenerator({ nodeId: 1 });

  beforeEach(async () => {
    t = await dialect.create();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const dispatcher = (leaseHolder: string, handlers: HandlerMap, extra: Partial<EventDispatcherOptions> = {}) =>
    new EventDispatcher({ db: t.db, clock, log: silent, leaseHolder, ...extra }).subscribe(handlers);

  const outbox = () => new Outbox({ db: t.db, ids, clock, onCommitted: () => undefined });
  const append = (postId: string) =>
    outbox().write((_trx, emit) => emit({ type: 'post.created', postId, authorId: '7' }));

  const events = () => t.db.kysely.selectFrom('events').selectAll().orderBy('id').execute();

  it('leases a batch for well under a minute, in the name of the process that claimed it', async () => {
    expect(EVENT_LEASE_MS).toBeLessThanOrEqual(30_000);
    await append('1');
    let seen: { locked_by: string | null; locked_until: string | null } | undefined;
    await dispatcher('node-3', {
      'post.created': [
        async () => {
          seen = (await events())[0];
        },
      ],
    }).drain();
    expect(seen).toEqual(
      expect.objectContaining({
        locked_by: 'node-3',
        locked_until: new Date(clock.now().getTime() + EVENT_LEASE_MS).toISOString(),
      }),
    );
    expect((await events())[0]).toMatchObject({ status: 'done', locked_by: null, locked_until: null });
  });

  it('renews the lease while a handler outlives it, so no other process starts the event again', async () => {
    await append('1');
    const calls: string[] = [];
    const other = dispatcher('node-2', { 'post.created': [async () => void calls.push('other')] });
    let claimedByOther = -1;
    const slow = dispatcher(
      'node-1',
      {
        'post.created': [
          async () => {
            calls.push('slow');
            // Three lease lengths of work; after each third, wait for the heartbeat to renew.
            for (let step = 0; step < 9; step++) {
              clock.advance(EVENT_LEASE_MS / 3);
              const renewedTo = new Date(clock.now().getTime() + EVENT_LEASE_MS).toISOString();
              await expect.poll(async () => (await events())[0]?.locked_until, { timeout: 5_000 }).toBe(renewedTo);
            }
            claimedByOther = await other.drain();
          },
        ],
      },
      { heartbeatMs: 5 },
    );
    expect(await slow.drain()).toBe(1);
    expect(claimedByOther).toBe(0);
    expect(calls).toEqual(['slow']);
    expect((await events())[0]).toMatchObject({ status: 'done', locked_by: null });
  });

  it('a renewal that finds an event taken over aborts its handler; the rest of the batch is freed at once', async () => {
    for (const postId of ['1', '2', '3']) await append(postId);
    const inHandler = gate();
    const calls: string[] = [];
    let abortedWith: unknown;
    const stalled = dispatcher(
      'node-1',
      {
        'post.created': [
          async (e, context) => {
            const signal = context!.signal;
            calls.push(`node-1:${e.postId}`);
            if (e.postId !== '1') return;
            inHandler.open();
            // A long fan-out checks its signal between batches; this one waits for it.
            await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
            abortedWith = signal.reason;
            signal.throwIfAborted();
          },
        ],
      },
      { heartbeatMs: 5 },
    );
    const draining = stalled.drain();
    await inHandler.wait;
    // What another process's claim does once this one's lease has lapsed.
    const [first] = await events();
    await t.db.kysely
      .updateTable('events')
      .set({ locked_by: 'node-2', locked_until: new Date(clock.now().getTime() + EVENT_LEASE_MS).toISOString() })
      .where('id', '=', first!.id)
      .execute();
    // Events 2 and 3 were released when the batch stopped, so (the clock standing still) they are
    // claimable again at once: this process delivers them in its next batch.
    expect(await draining).toBe(2);
    expect(abortedWith).toMatchObject({ name: 'LeaseLostError' });
    expect(calls).toEqual(['node-1:1', 'node-1:2', 'node-1:3']);
    const rows = await events();
    // The taken-over event is untouched: not done, no failed attempt counted, still the new holder's.
    expect(rows[0]).toMatchObject({ status: 'pending', attempts: 0, locked_by: 'node-2', last_error: null });
    expect(rows.slice(1).map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('a process that lost its lease while stalled does not mark the event done over the new holder', async () => {
    await append('1');
    const proceed = gate();
    const inHandler = gate();
    const calls: string[] = [];
    // No heartbeat during the test: this process is stalled as far as the others can tell.
    const stalled = dispatcher(
      'node-1',
      {
        'post.created': [
          async () => {
            calls.push('stalled');
            inHandler.open();
            await proceed.wait;
          },
        ],
      },
      { heartbeatMs: 3_600_000 },
    );
    const draining = stalled.drain();
    await inHandler.wait;
    clock.advance(EVENT_LEASE_MS + 1);
    const holdsIt = gate();
    const finish = gate();
    const taker = dispatcher('node-2', {
      'post.created': [
        async () => {
          calls.push('taker');
          holdsIt.open();
          await finish.wait;
        },
      ],
    });
    const taking = taker.drain();
    await holdsIt.wait;
    proceed.open();
    // The stalled process finishes its handler, but its mark-done finds the event another's.
    expect(await draining).toBe(0);
    expect((await events())[0]).toMatchObject({ status: 'pending', locked_by: 'node-2' });
    finish.open();
    expect(await taking).toBe(1);
    expect(calls).toEqual(['stalled', 'taker']);
    expect((await events())[0]).toMatchObject({ status: 'done', locked_by: null });
  });

  it('the next holder of a node id frees what the earlier one held at once; other node ids cannot', async () => {
    for (const postId of ['1', '2']) await append(postId);
    const crashing = dispatcher(
      'node-4.1',
      { 'post.created': [async () => undefined] },
      {
        beforeMarkDone: () => {
          throw new Error('killed');
        },
      },
    );
    await expect(crashing.drain()).rejects.toThrow('killed');
    expect((await events()).map((r) => r.locked_by)).toEqual(['node-4.1', 'node-4.1']);

    const delivered: string[] = [];
    const handlers: HandlerMap = { 'post.created': [async (e) => void delivered.push(e.postId)] };
    // Node ids 40 and 5 are other processes: node 4's patterns do not name them, theirs not node 4.
    for (const [holder, node] of [
      ['node-40.1', 40],
      ['node-5.1', 5],
    ] as const) {
      const stranger = dispatcher(holder, handlers);
      expect(await stranger.releaseLeasesOf(earlierHolderPatterns(node))).toBe(0);
      expect(await stranger.drain()).toBe(0);
    }

    // No clock advance: node 4's next holder does not wait for the old lease to lapse.
    const restarted = dispatcher('node-4.2', handlers);
    expect(await restarted.releaseLeasesOf(earlierHolderPatterns(4))).toBe(2);
    expect(await restarted.drain()).toBe(2);
    expect(delivered).toEqual(['1', '2']);
  });
});
