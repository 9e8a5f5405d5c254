import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedHandlers } from '../../src/modules/feed/handlers.js';
import { DEFAULT_FEED_SETTINGS } from '../../src/config/feed-settings.js';
import { systemClock } from '../../src/clock.js';
import { DIALECTS, postgresDialect, postgresTestUrl } from '../support/databases.js';
import { storedEvent } from '../support/events.js';
import { postPhoto, readHomeFeed, signUpReader, timelineRows } from '../support/feed.js';
import { untilWaitingOnLock, withApplicationName } from '../support/pg-activity.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import type { SignedUp } from '../support/users.js';

// Timeline rows are written by events handled after the request that caused them, perhaps in
// another process and out of order. Each handler must act on the follow graph as it stands when it
// runs, not as it stood when the event was written: a home feed shows only followed accounts.

function helpers(t: () => TestServer) {
  let n = 0;
  return {
    user: (prefix: string) => signUpReader(t(), `${prefix}${++n}`),
    call: (who: SignedUp, path: string, userId: string) =>
      callTrpc(t().url, path, { token: who.token, input: { userId } }),
    post: (author: SignedUp) => postPhoto(t(), author),
    handlers: () => createFeedHandlers({ db: t().server.db, clock: systemClock, settings: DEFAULT_FEED_SETTINGS }),
  };
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
    await handlers['follow.created']![0]!(storedEvent({ type: 'follow.created', ...pair, state: 'active' }));
    await handlers['follow.approved']![0]!(storedEvent({ type: 'follow.approved', ...pair }));
    expect(await timelineRows(t.server.db.kysely, reader.id)).toEqual([]);
    expect(await readHomeFeed(t.url, reader.token)).not.toContain(postId);

    // Followed again, the same replay fills the timeline: the check reads the graph, not a flag.
    await h.call(reader, 'graph.follow', author.id);
    await t.server.background.dispatcher.drain();
    await t.server.db.kysely.deleteFrom('timeline').where('user_id', '=', reader.id).execute();
    await handlers['follow.created']![0]!(storedEvent({ type: 'follow.created', ...pair, state: 'active' }));
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
    t = await startTestServer({ dialect: postgresDialect(withApplicationName(url!, appName)) });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const waitForLockWait = (statement: string) => untilWaitingOnLock(t.server.db.kysely, appName, statement);

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
      const push = h.handlers()['post.created']![0]!(
        storedEvent({ type: 'post.created', postId, authorId: author.id }),
      );
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
