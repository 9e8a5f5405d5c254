import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { DEFAULT_FEED_SETTINGS } from '../../src/config/feed-settings.js';
import { createFeedHandlers } from '../../src/modules/feed/handlers.js';
import { userRow } from '../db/fixtures.js';
import { postgresDialect, postgresTestUrl, type TestDatabase } from '../support/databases.js';
import { storedEvent } from '../support/events.js';
import { untilWaitingOnLock, withApplicationName } from '../support/pg-activity.js';
import { insertPostRow } from '../support/post-rows.js';

const postgresUrl = postgresTestUrl();

/**
 * Two workers deliver a post's fan-out and a new follow of its author at the same moment. The
 * fan-out read the followers before the follow committed; the backfill ran before the fan-out
 * marked the post pushed. The new follower must still get the post in their timeline: a pushed post
 * is not pulled at read time, so a row missing here is a post missing from their home feed.
 * Postgres only: SQLite's one process runs one transaction at a time.
 */
describe.runIf(postgresUrl !== undefined)('a follow while its followee’s post is being pushed', () => {
  let t: TestDatabase;
  const [author, oldFan, newFan, postId] = ['2001', '2002', '2003', '2100'];
  const now = new Date().toISOString();
  // Other test files share the database: the lock wait looked for is this test's own.
  const appName = `aperture_follow_push_${randomBytes(4).toString('hex')}`;

  beforeEach(async () => {
    t = await postgresDialect(withApplicationName(postgresUrl!, appName)).create();
    await t.db.kysely
      .insertInto('users')
      .values([author, oldFan, newFan].map((id) => userRow(id, `user${id}`, { last_active_at: now })))
      .execute();
    await t.db.kysely
      .insertInto('follows')
      .values({
        id: '2201',
        follower_id: oldFan,
        followee_id: author,
        state: 'active',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await insertPostRow(t.db.kysely, { id: postId, author_id: author, created_at: now, updated_at: now });
  });
  afterEach(async () => {
    await t?.cleanup();
  });

  it('the new follower gets the post whichever of the two finishes first', async () => {
    const handlers = createFeedHandlers({ db: t.db, clock: systemClock, settings: DEFAULT_FEED_SETTINGS });
    const db = t.db.kysely;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Holds the post's row against updates (not against the timeline rows' foreign-key checks), so
    // the fan-out writes its rows and then stops right before it marks the post pushed.
    const holder = db.transaction().execute(async (trx) => {
      await trx.selectFrom('posts').select('id').where('id', '=', postId).forNoKeyUpdate().execute();
      locked();
      await released;
    });
    await isLocked;
    const pushing = handlers['post.created']![0]!(storedEvent({ type: 'post.created', postId, authorId: author }));
    try {
      // The fan-out has read the followers and written its rows once it waits for the row lock.
      await untilWaitingOnLock(db, appName, 'update "posts"');
      await db
        .insertInto('follows')
        .values({
          id: '2202',
          follower_id: newFan,
          followee_id: author,
          state: 'active',
          created_at: now,
          updated_at: now,
        })
        .execute();
      await handlers['follow.created']![0]!(
        storedEvent({ type: 'follow.created', followerId: newFan, followeeId: author, state: 'active' }, '2'),
      );
    } finally {
      release();
      await holder;
      await pushing;
    }
    const rows = await db.selectFrom('timeline').select('user_id').where('post_id', '=', postId).execute();
    expect(rows.map((r) => r.user_id).sort()).toEqual([oldFan, newFan]);
    const pushed = await db.selectFrom('posts').select('pushed').where('id', '=', postId).executeTakeFirstOrThrow();
    expect(pushed.pushed).toBe(1);
  });
});
