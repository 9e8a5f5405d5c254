import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/lib/lease.js';
import { createFeedHandlers } from '../../src/modules/feed/handlers.js';
import { DEFAULT_FEED_SETTINGS } from '../../src/config/feed-settings.js';
import { systemClock } from '../../src/clock.js';
import { DIALECTS } from '../support/databases.js';
import { storedEvent } from '../support/events.js';
import { insertReadyMedia } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp } from '../support/users.js';

// A process that stalls past its lease may still be fanning a post out when the new holder starts
// the same event again. Both runs write the same keyed rows, and the stalled one stops at its next
// batch once its heartbeat finds the lease gone: the timelines end as after one run.
describe.each(DIALECTS)('fan-out taken over mid-way on $name', (dialect) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('two runs at once, and a run whose lease is gone, leave the timelines of one run', async () => {
    const author = await signUp(t.url, 'takeoverauthor');
    const followers = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => signUp(t.url, `takeoverfan${n}`)));
    for (const fan of followers) {
      await callTrpc(t.url, 'graph.follow', { token: fan.token, input: { userId: author.id } });
    }
    const mediaId = await insertReadyMedia(t.server.db.kysely, author.id);
    const made = await callTrpc<{ id: string }>(t.url, 'posts.create', {
      token: author.token,
      input: { mediaIds: [mediaId] },
    });
    const postId = made.body.result!.data.id;
    await t.server.settle();
    const db = t.server.db.kysely;
    const rowsOfPost = async () =>
      (await db.selectFrom('timeline').select('user_id').where('post_id', '=', postId).execute())
        .map((r) => r.user_id)
        .sort();
    const once = await rowsOfPost();
    expect(once).toEqual(followers.map((f) => f.id).sort());

    const reset = async () => {
      await db.deleteFrom('timeline').where('post_id', '=', postId).execute();
      await db.updateTable('posts').set({ pushed: 0 }).where('id', '=', postId).execute();
    };
    await reset();
    // Batches of two followers, so each run takes several transactions and interleaves with the other.
    const onPostCreated = createFeedHandlers({
      db: t.server.db,
      clock: systemClock,
      settings: { ...DEFAULT_FEED_SETTINGS, fanoutBatch: 2 },
    })['post.created']![0]!;
    const event = storedEvent({ type: 'post.created', postId, authorId: author.id });
    const lost = new AbortController();
    lost.abort(new LeaseLostError('the test event'));
    await expect(onPostCreated(event, { signal: lost.signal })).rejects.toBeInstanceOf(LeaseLostError);
    expect(await rowsOfPost()).toEqual([]);

    const live = () => onPostCreated(event, { signal: new AbortController().signal });
    await Promise.all([live(), live()]);
    expect(await rowsOfPost()).toEqual(once);
    const post = await db.selectFrom('posts').select('pushed').where('id', '=', postId).executeTakeFirstOrThrow();
    expect(post.pushed).toBe(1);
  });
});
