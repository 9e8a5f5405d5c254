import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requeueEvent } from '../../src/modules/admin/events.js';
import {
  BACKOFF_CAP_MS,
  EventDispatcher,
  EVENT_LEASE_MS,
  type EventDispatcherOptions,
} from '../../src/events/dispatcher.js';
import { Outbox } from '../../src/events/outbox.js';
import type { HandlerMap, StoredEvent } from '../../src/events/types.js';
import { createIdGenerator } from '../../src/ids/snowflake.js';
import { DIALECTS, type TestDatabase } from '../support/databases.js';
import { manualClock } from '../support/server.js';

const silent = { info: () => undefined, error: () => undefined };

describe.each(DIALECTS)('event outbox and dispatcher on $name', (dialect) => {
  let t: TestDatabase;
  const clock = manualClock(new Date('2026-11-23T12:00:00.000Z'));
  const ids = createIdGenerator({ nodeId: 1 });

  beforeEach(async () => {
    t = await dialect.create();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const dispatcher = (handlers: HandlerMap, extra: Partial<EventDispatcherOptions> = {}) =>
    new EventDispatcher({ db: t.db, clock, log: silent, ...extra }).subscribe(handlers);

  const outbox = () => new Outbox({ db: t.db, ids, clock, onCommitted: () => undefined });
  const append = (postId: string) =>
    outbox().write((_trx, emit) => emit({ type: 'post.created', postId, authorId: '7' }));

  const events = () => t.db.kysely.selectFrom('events').selectAll().orderBy('id').execute();

  it('appends in the caller’s transaction: a rolled-back write leaves no event', async () => {
    await expect(
      outbox().write(async (_trx, emit) => {
        await emit({ type: 'post.deleted', postId: '1', authorId: '2' });
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    expect(await events()).toEqual([]);

    await append('10');
    const [row] = await events();
    expect(row).toMatchObject({ type: 'post.created', status: 'pending', attempts: 0 });
    expect(JSON.parse(row!.payload)).toEqual({ postId: '10', authorId: '7' });
  });

  it('runs every handler of the type in order, in id order, then marks the events done', async () => {
    const calls: string[] = [];
    const handlers: HandlerMap = {
      'post.created': [
        async (e) => void calls.push(`first:${e.postId}`),
        async (e) => void calls.push(`second:${e.postId}`),
      ],
      'follow.created': [async () => void calls.push('wrong type')],
    };
    for (const postId of ['1', '2', '3']) await append(postId);
    const d = dispatcher(handlers, { batchSize: 2 });
    expect(await d.drain()).toBe(3);
    expect(calls).toEqual(['first:1', 'second:1', 'first:2', 'second:2', 'first:3', 'second:3']);
    const rows = await events();
    expect(rows.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(rows.every((r) => r.processed_at !== null && r.locked_until === null)).toBe(true);
    expect(await d.drain()).toBe(0);
    expect(calls).toHaveLength(6);
  });

  it('hands handlers the stored event: payload, id and when it happened', async () => {
    const seen: StoredEvent<'post.created'>[] = [];
    await append('42');
    await dispatcher({ 'post.created': [async (e) => void seen.push(e)] }).drain();
    const [row] = await events();
    expect(seen).toEqual([
      { type: 'post.created', postId: '42', authorId: '7', id: row!.id, occurredAt: expect.any(String) },
    ]);
    expect(new Date(seen[0]!.occurredAt).getTime()).toBe(clock.now().getTime());
  });

  it('retries a failing handler with growing backoff, then parks it with its error', async () => {
    let calls = 0;
    let healthy = false;
    const d = dispatcher(
      {
        'post.created': [
          async () => {
            calls++;
            if (!healthy) throw new Error(`store unavailable (${calls})`);
          },
        ],
      },
      { maxAttempts: 3 },
    );
    await append('1');
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await d.drain()).toBe(0);
      expect(calls).toBe(attempt);
      const [row] = await events();
      expect(row).toMatchObject({ attempts: attempt, last_error: `store unavailable (${attempt})` });
      expect(row!.status).toBe(attempt < 3 ? 'pending' : 'parked');
      delays.push(new Date(row!.available_at).getTime() - clock.now().getTime());
      // Not due yet: draining again does not call the handler.
      expect(await d.drain()).toBe(0);
      expect(calls).toBe(attempt);
      clock.advance(BACKOFF_CAP_MS);
    }
    // 1 s then 2 s ceilings, each with up to half taken off as jitter.
    expect(delays[0]).toBeGreaterThanOrEqual(500);
    expect(delays[0]).toBeLessThanOrEqual(1_000);
    expect(delays[1]).toBeGreaterThanOrEqual(1_000);
    expect(delays[1]).toBeLessThanOrEqual(2_000);
    // Parked events stay parked however long one waits.
    expect(await d.drain()).toBe(0);
    expect(calls).toBe(3);

    // An operator retries it once the cause is fixed (`aperture admin events --retry`).
    healthy = true;
    const [parked] = await events();
    const requeued = await requeueEvent(t.db, parked!.id, clock.now());
    expect(requeued).toMatchObject({ status: 'pending', attempts: 0, lastError: 'store unavailable (3)' });
    expect(await d.drain()).toBe(1);
    expect((await events())[0]).toMatchObject({ status: 'done', last_error: null });
    await expect(requeueEvent(t.db, parked!.id, clock.now())).rejects.toThrow('already delivered');
    await expect(requeueEvent(t.db, '123', clock.now())).rejects.toThrow('No such event');
  });

  it('replays an event after a crash between handling and marking done; idempotent effects happen once', async () => {
    const calls = new Map<string, number>();
    const timeline = new Set<string>();
    const handlers: HandlerMap = {
      'post.created': [
        async (e) => {
          calls.set(e.id, (calls.get(e.id) ?? 0) + 1);
          timeline.add(e.postId); // idempotent, like an insert … on conflict do nothing
        },
      ],
    };
    await append('1');
    await append('2');
    const crashing = dispatcher(handlers, {
      beforeMarkDone: (e) => {
        if (e.type === 'post.created' && e.postId === '1') throw new Error('killed');
      },
    });
    await expect(crashing.drain()).rejects.toThrow('killed');
    const [first, second] = await events();
    expect(calls.get(first!.id)).toBe(1);
    expect(first!.status).toBe('pending');
    expect(second!.status).toBe('pending');

    // Another process sees the events leased by the dead one, until the lease lapses.
    const survivor = dispatcher(handlers);
    expect(await survivor.drain()).toBe(0);
    clock.advance(EVENT_LEASE_MS + 1);
    expect(await survivor.drain()).toBe(2);

    expect(calls.get(first!.id)).toBe(2);
    expect(calls.get(second!.id)).toBe(1);
    expect([...timeline].sort()).toEqual(['1', '2']);
    expect((await events()).map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('marks events without subscribers done, and prunes delivered events after 7 days', async () => {
    await append('1');
    const d = dispatcher({});
    expect(await d.drain()).toBe(1);
    await append('2');
    expect(await d.prune()).toBe(0);
    clock.advance(7 * 24 * 3_600_000 + 1);
    expect(await d.prune()).toBe(1);
    const rows = await events();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending' });
  });

  it('start() delivers events in the background, kick() wakes it, stop() waits for it', async () => {
    const delivered: string[] = [];
    const d = dispatcher({ 'post.created': [async (e) => void delivered.push(e.postId)] });
    d.start();
    await append('1');
    d.kick();
    await expect.poll(() => delivered, { timeout: 10_000 }).toEqual(['1']);
    await d.stop();
    await expect.poll(async () => (await events())[0]?.status).toBe('done');
  });
});
