import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { inProcessOnly } from '../../src/db/wakeups.js';
import { createIdGenerator } from '../../src/ids/snowflake.js';
import { avatarUrls } from '../../src/modules/media/presenter.js';
import { MediaUrlSigner } from '../../src/modules/media/urls.js';
import type { LiveNotification } from '../../src/modules/notifications/live.js';
import { NotificationsService } from '../../src/modules/notifications/service.js';
import { userRow } from '../db/fixtures.js';
import { DIALECTS, type TestDatabase } from '../support/databases.js';

/** Counts the statements that read or write the notifications table, whoever sends them. */
class NotificationQueries implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const text = JSON.stringify(args.node, (_key, value: unknown) =>
      typeof value === 'bigint' ? String(value) : value,
    );
    if (text.includes('"name":"notifications"')) this.count++;
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

const STREAMS = 50;
const POLL_MS = 200;

/**
 * Open live streams cost nothing while nothing happens: no stream polls the table by itself; one
 * look per interval for the whole process (`LivePoll`) finds rows whose wake-up never came, and
 * only the streams of the recipients it finds read the table.
 */
describe.each(DIALECTS)('live notification streams on $name', (dialect) => {
  let t: TestDatabase;
  let counter: NotificationQueries;
  let service: NotificationsService;
  const ids = createIdGenerator({ nodeId: 7, clock: () => Date.now() });

  beforeEach(async () => {
    t = await dialect.create();
    counter = new NotificationQueries();
    const urls = new MediaUrlSigner('x'.repeat(32), () => 'http://127.0.0.1:1');
    service = new NotificationsService({
      db: { ...t.db, kysely: t.db.kysely.withPlugin(counter) },
      ids,
      clock: systemClock,
      urls,
      avatarUrls: (mediaId) => avatarUrls(urls, mediaId),
      sessions: { active: async (sessionIds) => new Set(sessionIds) },
      log: { error: () => undefined },
      wakeups: inProcessOnly,
      pollMs: POLL_MS,
      sessionCheckMs: 3_600_000,
    });
  });
  afterEach(async () => {
    service.close();
    await t.cleanup();
  });

  it(`${STREAMS} open streams: one look per interval for all of them, and a row from elsewhere still arrives`, async () => {
    const users = Array.from({ length: STREAMS + 1 }, () => ids.next());
    await t.db.kysely
      .insertInto('users')
      .values(users.map((id, i) => userRow(id, `user${i}`)))
      .execute();
    const actor = users[STREAMS]!;
    const abort = new AbortController();
    const streams = users
      .slice(0, STREAMS)
      .map((userId, i) => service.live({ userId, sessionId: String(i + 1) }, null, abort.signal));
    const next = streams.map((stream) => stream.next());
    try {
      const until = async (what: string, condition: () => boolean) => {
        const deadline = Date.now() + 15_000;
        while (!condition()) {
          if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      await until('every stream is open', () => service.bus.streams === STREAMS);

      // A window of several intervals with nothing written: once each stream read its starting
      // point, only the process-wide look reads the table.
      await new Promise((resolve) => setTimeout(resolve, POLL_MS * 2));
      const before = counter.count;
      const windowMs = POLL_MS * 6;
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      const queries = counter.count - before;
      console.info(`${STREAMS} idle streams: ${queries} notification queries in ${windowMs} ms (${dialect.name})`);
      expect(queries).toBeGreaterThanOrEqual(1);
      // Polling per stream would be STREAMS a look (300 here); one look each interval is ~6.
      expect(queries).toBeLessThanOrEqual(windowMs / POLL_MS + 2);

      // Written as another process would: straight into the table, no wake-up in this process.
      const recipient = users[7]!;
      const now = new Date().toISOString();
      await t.db.kysely
        .insertInto('notifications')
        .values({
          id: ids.next(),
          recipient_id: recipient,
          kind: 'follow',
          subject_key: actor,
          actor_id: actor,
          post_id: null,
          comment_id: null,
          actor_count: 1,
          seq_id: ids.next(),
          read_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const delivered = (await next[7]) as IteratorResult<LiveNotification>;
      expect(delivered.value?.notification).toMatchObject({ kind: 'follow', actor: { id: actor } });
    } finally {
      abort.abort();
      await Promise.all(next);
      // The stream that delivered is suspended at its yield: ending it runs its cleanup.
      await Promise.all(streams.map((stream) => stream.return(undefined)));
    }
    expect(service.bus.streams).toBe(0);
  });
});
