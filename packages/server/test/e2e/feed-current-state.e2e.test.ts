import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedHandlers } from '../../src/modules/feed/handlers.js';
import { DEFAULT_FEED_SETTINGS } from '../../src/config/feed-settings.js';
import { systemClock } from '../../src/clock.js';
import type { StoredEvent } from '../../src/events/types.js';
import { DIALECTS, postgresDialect, postgresTestUrl } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { readHomeFeed, timelineRows } from '../support/feed.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

// Timeline rows are written by events handled after the request that caused them, perhaps in
// another process and out of order. Each handler must act on the follow graph as it stands when it
// runs, not as it stood when the event was written: a home feed shows only followed accounts.

function helpers(t: () => TestServer) {
  let n = 0;
  return {
    user: async (prefix: string) => {
      const u = await signUp(t().url, `${prefix}${++n}`);
      await t().server.services.feed.rebuild(u.id);
      return u;
    },
    call: (who: SignedUp, path: string, userId: string) =>
      callTrpc(t().url, path, { token: who.token, input: { userId } }),
    post: async (author: SignedUp) => {
      const mediaId = await insertReadyMedia(t().server.db.kysely, author.id);
      const made = await callTrpc<{ id: string }>(t().url, 'posts.create', {
        token: author.token,
        input: { mediaIds: [mediaId] },
      });
      return made.body.result!.data.id;
    },
    handlers: (settings = DEFAULT_FEED_SETTINGS) =>
      createFeedHandlers({ db: t().server.db, clock: systemClock, settings }),
  };
}

function stored<T extends StoredEvent['type']>(event: Omit<StoredEvent<T>, 'id' | 'occurredAt'>): StoredEvent<T> {
  return { ...event, id: '1', occurredAt: new Date().toISOString() } as StoredEvent<T>;
}

describe.each(DIALECTS)('timeline events act on the current follow graph on $name', (dialect) => {
  let t: TestServer;
  const h = helpers(() => t);

  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('an unmute brings back only accounts the reader follows', async () => {
    const stranger = await h.user('stranger');
    const followed = await h.user('followed');
    const reader = await h.user('reader');
    await h.call(reader, 'graph.follow', followed.id);
    const strangers = await h.post(stranger);
    const followeds = await h.post(followed);
    for (const who of [stranger, followed]) {
      await h.call(reader, 'graph.mute', who.id);
      await h.call(reader, 'graph.unmute', who.id);
    }
    await t.server.background.dispatcher.drain();
    expect(await timelineRows(t.server.db.kysely, reader.id)).toEqual([followeds]);
    expect(await readHomeFeed(t.url, reader.token)).toEqual([followeds]);
    expect(await readHomeFeed(t.url, reader.token)).not.toContain(strangers);
  });

  it('a follow or approval handled after the unfollow adds nothing', async () => {
    const author = await h.user('author');
    const reader = await h.user('reader');
    await h.call(reader, 'graph.follow', author.id);
    const postId = await h.post(author);
    await h.call(reader, 'graph.unfollow', author.id);
    await t.server.background.dispatcher.drain();
    expect(await readHomeFeed(t.url, reader.token)).toEqual([]);

    // The follow's events again, as a second worker that claimed them late would handle them.
    const handlers = h.handlers();
    const pair = { followerId: reader.id, followeeId: author.id };
    await handlers['follow.created']![0]!(stored({ type: 'follow.created', ...pair, state: 'active' }));
    await handlers['follow.approved']![0]!(stored({ type: 'follow.approved', ...pair }));
    expect(await timelineRows(t.server.db.kysely, reader.id)).toEqual([]);
    expect(await readHomeFeed(t.url, reader.token)).not.toContain(postId);

    // Followed again, the same replay fills the timeline: the check reads the graph, not a flag.
    await h.call(reader, 'graph.follow', author.id);
    await t.server.background.dispatcher.drain();
    await t.server.db.kysely.deleteFrom('timeline').where('user_id', '=', reader.id).execute();
    await handlers['follow.created']![0]!(stored({ type: 'follow.created', ...pair, state: 'active' }));
    expect(await timelineRows(t.server.db.kysely, reader.id)).toEqual([postId]);
  });
});

const url = postgresTestUrl();

// Two transactions side by side is a Postgres deployment (SQLite's single writer runs one at a
// time); global-setup.ts reports loudly when APERTURE_TEST_POSTGRES_URL is missing.
describe.skipIf(url === undefined)('an unfollow racing a fan-out on postgres', () => {
  let t: TestServer;
  const h = helpers(() => t);

  // Other test files share the database: the lock waits looked for are this server's alone.
  const appName = `aperture_race_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const withName = new URL(url!);
    withName.searchParams.set('application_name', appName);
    t = await startTestServer({ dialect: postgresDialect(withName.toString()) });
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** Until a statement starting with `statement` waits on a lock in this database. */
  const waitForLockWait = async (statement: string) => {
    for (let i = 0; i < 500; i++) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where application_name = ${appName} and wait_event_type = 'Lock' and query like ${statement + '%'}`.execute(
        t.server.db.kysely,
      );
      if (rows[0]!.n > 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no statement "${statement}…" came to wait on a lock`);
  };

  it('waits for the push that read its follow, so its removal leaves no row behind', async () => {
    const author = await h.user('racer');
    // Signed up first, so the push writes this follower's row before the leaver's.
    const stayer = await h.user('stayer');
    const leaver = await h.user('leaver');
    await h.call(stayer, 'graph.follow', author.id);
    await h.call(leaver, 'graph.follow', author.id);
    await t.server.background.dispatcher.drain();
    await t.server.background.dispatcher.stop();
    const postId = await h.post(author);

    // Hold the push after it has read its batch: an uncommitted row with the stayer's key makes
    // its insert wait on this transaction.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const blocker = t.server.db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('timeline').values({ user_id: stayer.id, post_id: postId, author_id: author.id }).execute();
      held();
      await released;
      throw new Error('rolled back on purpose');
    });
    await holding;
    let unfollowed = false;
    try {
      const push = h.handlers()['post.created']![0]!(stored({ type: 'post.created', postId, authorId: author.id }));
      await waitForLockWait('insert into "timeline"');
      const unfollow = h.call(leaver, 'graph.unfollow', author.id).then((response) => {
        unfollowed = true;
        return response;
      });
      // The push holds the leaver's follow row: the unfollow waits for it rather than slipping by.
      await waitForLockWait('delete from "follows"');
      expect(unfollowed).toBe(false);

      release();
      await expect(blocker).rejects.toThrow('rolled back on purpose');
      await push;
      expect((await unfollow).status).toBe(200);
    } finally {
      // Whatever failed above, end the held transaction so the server can stop.
      release();
      await blocker.catch(() => undefined);
    }
    t.server.background.dispatcher.start();
    await t.server.background.dispatcher.drain();

    expect(await timelineRows(t.server.db.kysely, leaver.id)).toEqual([]);
    expect(await timelineRows(t.server.db.kysely, stayer.id)).toEqual([postId]);
    expect(await readHomeFeed(t.url, leaver.token)).toEqual([]);
  });
});
