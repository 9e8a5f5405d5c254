import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { inProcessOnly } from '../../src/db/wakeups.js';
import { createIdGenerator } from '../../src/ids/snowflake.js';
import { avatarUrls } from '../../src/modules/media/presenter.js';
import { MediaUrlSigner } from '../../src/modules/media/urls.js';
import type { LiveNotification } from '../../src/modules/notifications/live.js';
import { NotificationsService } from '../../src/modules/notifications/service.js';
import { userRow } from '../db/fixtures.js';
import { DIALECTS, type TestDatabase } from '../support/databases.js';

/** A process's notifications service on the shared database, with its own node id and clock. */
function process_(t: TestDatabase, nodeId: number, skewMs: number): NotificationsService {
  const clock: Clock = { now: () => new Date(Date.now() + skewMs) };
  const urls = new MediaUrlSigner('x'.repeat(32), () => 'http://127.0.0.1:1');
  return new NotificationsService({
    db: t.db,
    ids: createIdGenerator({ nodeId, clock: () => clock.now().getTime() }),
    clock,
    urls,
    avatarUrls: (mediaId) => avatarUrls(urls, mediaId),
    sessions: { active: async (sessionIds) => new Set(sessionIds) },
    log: { error: () => undefined },
    wakeups: inProcessOnly,
    pollMs: 50,
    sessionCheckMs: 3_600_000,
  });
}

/**
 * A live stream reads the rows past the last position it delivered, so every row must commit
 * above the positions before it, whichever process writes it: the stream positions (`seq_id`) of
 * one recipient grow in commit order even when the writers' clocks disagree or they write at once.
 */
describe.each(DIALECTS)('live stream positions on $name', (dialect) => {
  let t: TestDatabase;
  let behind: NotificationsService;
  let ahead: NotificationsService;
  const users = Array.from({ length: 41 }, (_, i) => String(1_000 + i));
  const recipient = users[0]!;

  beforeEach(async () => {
    t = await dialect.create();
    await t.db.kysely
      .insertInto('users')
      .values(users.map((id, i) => userRow(id, `user${i}`)))
      .execute();
    // Two processes: one host's clock 5 s behind the other's.
    behind = process_(t, 1, -5_000);
    ahead = process_(t, 2, 0);
  });
  afterEach(async () => {
    behind.close();
    ahead.close();
    await t.cleanup();
  });

  /** Collects what `recipient`'s stream on `on` delivers until aborted. */
  function listen(on: NotificationsService, abort: AbortController): LiveNotification[] {
    const delivered: LiveNotification[] = [];
    void (async () => {
      for await (const n of on.live({ userId: recipient, sessionId: '1' }, null, abort.signal)) delivered.push(n);
    })();
    return delivered;
  }
  async function until(what: string, condition: () => boolean): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const follow = (by: NotificationsService, actor: string) =>
    by.writer.insertOnce({ recipientId: recipient, kind: 'follow', subjectKey: actor, actorId: actor });

  it('a row written after another process wrote one is delivered, though its clock is behind', async () => {
    const abort = new AbortController();
    const delivered = listen(behind, abort);
    try {
      await until('the stream is open', () => behind.bus.streams === 1);
      await follow(ahead, users[1]!);
      await until('the first row is delivered', () => delivered.length === 1);
      // Its snowflake id is 5 s older than the delivered row's: as a position it would be skipped.
      await follow(behind, users[2]!);
      await until('the second row is delivered', () => delivered.length === 2);
      expect(delivered.map((d) => d.notification.actor.id)).toEqual([users[1], users[2]]);
      expect(BigInt(delivered[1]!.seq)).toBeGreaterThan(BigInt(delivered[0]!.seq));
    } finally {
      abort.abort();
    }
  });

  it('rows two processes write at once all reach a stream reading while they commit', async () => {
    const abort = new AbortController();
    const delivered = listen(ahead, abort);
    try {
      await until('the stream is open', () => ahead.bus.streams === 1);
      // The stream on `ahead` hears of `behind`'s rows only by the poll, as across processes.
      await Promise.all(users.slice(1).map((actor, i) => follow(i % 2 === 0 ? behind : ahead, actor)));
      await until('every row is delivered', () => delivered.length >= 40);
      expect(new Set(delivered.map((d) => d.notification.actor.id))).toEqual(new Set(users.slice(1)));
    } finally {
      abort.abort();
    }
  });
});
