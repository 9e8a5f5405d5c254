import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { postPhoto, readHomeFeed, signUpReader, timelineRows } from '../support/feed.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import type { SignedUp } from '../support/users.js';

interface Page {
  items: { id: string; author: { id: string } }[];
  nextCursor: string | null;
}

describe.each(DIALECTS)('home feed on $name', (dialect) => {
  let t: TestServer;
  let n = 0;

  beforeAll(async () => {
    t = await startTestServer({
      dialect,
      // Trimmed on every push, so the cap is exact here (feed-trim.e2e.test.ts covers the default).
      env: { APERTURE_CELEBRITY_FOLLOWERS: '3', APERTURE_TIMELINE_CAP: '3', APERTURE_TIMELINE_TRIM_EVERY: '1' },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const user = () => signUpReader(t, `feed${++n}`);
  const follow = (who: SignedUp, whom: SignedUp) =>
    callTrpc(t.url, 'graph.follow', { token: who.token, input: { userId: whom.id } });
  const post = (author: SignedUp, input: Record<string, unknown> = {}) => postPhoto(t, author, input);
  const timeline = (u: SignedUp) => timelineRows(t.server.db.kysely, u.id);
  const readAll = (u: SignedUp, order: 'latest' | 'ranked' = 'latest', limit = 2) =>
    readHomeFeed(t.url, u.token, { order, limit, maxPages: 50 });

  it('pushes to active followers only, caps timelines, and pages past the cap without a cliff', async () => {
    const author = await user();
    const active = await user();
    const sleeper = await user();
    await follow(active, author);
    await follow(sleeper, author);
    // The follows' backfills run now, before the posts: a backfill that ran after them would copy
    // them too (it copies posts whose fan-out has not finished), which is not what this test is about.
    await t.server.background.dispatcher.drain();
    const longAgo = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await t.server.db.kysely
      .updateTable('users')
      .set({ last_active_at: longAgo })
      .where('id', '=', sleeper.id)
      .execute();
    const posts: string[] = [];
    for (let i = 0; i < 6; i++) posts.push(await post(author));
    await t.server.background.dispatcher.drain();

    // Capped at 3: the newest three, pushed to the active follower only.
    expect(await timeline(active)).toEqual(posts.slice(3).reverse());
    expect(await timeline(sleeper)).toEqual([]);
    const pushed = await t.server.db.kysely.selectFrom('posts').select('pushed').where('id', 'in', posts).execute();
    expect(pushed.every((p) => p.pushed === 1)).toBe(true);
    // Paging walks all six: below the timeline's oldest row the feed pulls.
    expect(await readAll(active)).toEqual([...posts].reverse());
  });

  it('rebuilds the timeline of a user back from a long inactivity, serving a pulled first page meanwhile', async () => {
    const author = await user();
    const returning = await user();
    await follow(returning, author);
    const p1 = await post(author);
    await t.server.background.dispatcher.drain();
    await t.server.db.kysely
      .updateTable('users')
      .set({ timeline_rebuilt_at: new Date(Date.now() - 40 * 86_400_000).toISOString() })
      .where('id', '=', returning.id)
      .execute();
    await t.server.db.kysely.deleteFrom('timeline').where('user_id', '=', returning.id).execute();
    expect(await readAll(returning)).toEqual([p1]);
    for (let i = 0; i < 50 && (await timeline(returning)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await timeline(returning)).toEqual([p1]);
  });

  it('pulls celebrities instead of pushing them', async () => {
    const star = await user();
    const fans = [await user(), await user(), await user()];
    for (const fan of fans) await follow(fan, star);
    const starPost = await post(star);
    await t.server.background.dispatcher.drain();
    const rows = await t.server.db.kysely
      .selectFrom('timeline')
      .select('user_id')
      .where('post_id', '=', starPost)
      .execute();
    expect(rows).toEqual([]);
    for (const fan of fans) expect(await readAll(fan)).toEqual([starPost]);
  });

  it('unfollow, block and mute take an author out of the feed; a new post shows before fan-out runs', async () => {
    const author = await user();
    const reader = await user();
    await follow(reader, author);
    await t.server.background.dispatcher.stop();
    const fresh = await post(author);
    // Not fanned out yet (the dispatcher is stopped), yet visible: unpushed posts are pulled.
    expect(await readAll(reader)).toEqual([fresh]);
    t.server.background.dispatcher.start();
    await t.server.background.dispatcher.drain();
    await callTrpc(t.url, 'graph.mute', { token: reader.token, input: { userId: author.id } });
    expect(await readAll(reader)).toEqual([]);
    await callTrpc(t.url, 'graph.unmute', { token: reader.token, input: { userId: author.id } });
    await t.server.background.dispatcher.drain();
    expect(await readAll(reader)).toEqual([fresh]);
    await callTrpc(t.url, 'graph.block', { token: author.token, input: { userId: reader.id } });
    await t.server.background.dispatcher.drain();
    expect(await readAll(reader)).toEqual([]);
    expect(await timeline(reader)).toEqual([]);
  });

  it('ranks posts of authors the viewer engages with above slightly newer ones', async () => {
    const friend = await user();
    const stranger = await user();
    const viewer = await user();
    await follow(viewer, friend);
    await follow(viewer, stranger);
    await follow(friend, viewer);
    for (let i = 0; i < 3; i++) {
      const old = await post(friend);
      await callTrpc(t.url, 'likes.like', { token: viewer.token, input: { postId: old } });
    }
    const friendPost = await post(friend);
    const strangerPost = await post(stranger);
    await t.server.background.dispatcher.drain();
    const latest = await readAll(viewer, 'latest', 50);
    expect(latest[0]).toBe(strangerPost);
    const ranked = await readAll(viewer, 'ranked', 2);
    expect(ranked.indexOf(friendPost)).toBeLessThan(ranked.indexOf(strangerPost));
    expect(new Set(ranked).size).toBe(ranked.length);
    expect([...ranked].sort()).toEqual([...latest].sort());
  });

  it('lists a hashtag through the same rules: followers-only posts only for followers', async () => {
    const author = await user();
    const follower = await user();
    const stranger = await user();
    await follow(follower, author);
    const open = await post(author, { caption: 'Golden hour #Sunset' });
    const closed = await post(author, { caption: 'just us #sunset', visibility: 'followers' });
    await t.server.background.dispatcher.drain();
    const read = async (viewer: SignedUp | null) => {
      const page = await callTrpc<Page>(t.url, 'feed.hashtag', {
        type: 'query',
        ...(viewer ? { token: viewer.token } : {}),
        input: { tag: '#SUNSET', limit: 10 },
      });
      return page.body.result!.data.items.map((p) => p.id);
    };
    expect(await read(follower)).toEqual(expect.arrayContaining([closed, open]));
    expect(await read(stranger)).toContain(open);
    expect(await read(stranger)).not.toContain(closed);
    expect(await read(null)).not.toContain(closed);
  });
});
