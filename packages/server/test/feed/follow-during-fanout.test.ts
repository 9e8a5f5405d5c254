import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { DEFAULT_FEED_SETTINGS } from '../../src/config/feed-settings.js';
import type { StoredEvent } from '../../src/events/types.js';
import { createFeedHandlers } from '../../src/modules/feed/handlers.js';
import { userRow } from '../db/fixtures.js';
import { postgresDialect, postgresTestUrl, type TestDatabase } from '../support/databases.js';
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

  beforeEach(async () => {
    t = await postgresDialect(postgresUrl!).create();
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
    const occurredAt = now;
    const push: StoredEvent<'post.created'> = { type: 'post.created', postId, authorId: author, id: '1', occurredAt };
    const pushing = handlers['post.created']![0]!(push);
    try {
      // The fan-out has read the followers and written its rows once it waits for the row lock.
      const deadline = Date.now() + 15_000;
      for (;;) {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like 'update "posts"%'`.execute(db);
        if (rows[0]!.n > 0) break;
        if (Date.now() > deadline) throw new Error('the fan-out never reached marking the post pushed');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
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
      const follow: StoredEvent<'follow.created'> = {
        type: 'follow.created',
        followerId: newFan,
        followeeId: author,
        state: 'active',
        id: '2',
        occurredAt,
      };
      await handlers['follow.created']![0]!(follow);
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
