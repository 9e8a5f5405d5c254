import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { settleEvents } from '../support/tags.js';
import { signUp, type SignedUp } from '../support/users.js';

interface Page {
  items: { id: string }[];
  nextCursor: string | null;
}

/**
 * Every surface that lists posts goes through one pipeline (`posts/pipeline.ts`), so they hide the
 * same things: a post of someone blocked either way, of a private account or followers-only without
 * an active follow, a deleted one, one hidden by moderation — and posts of a muted account on the
 * streams that drop them (home feed, hashtag pages), while the surfaces asked for by name (profile
 * grid, search, the post itself) still show them.
 *
 * Every hidden post is also left in the viewer's materialised timeline, as if the handlers that
 * remove such rows had not run yet, so the home feed's rules are tested at read time rather than
 * through the timeline's upkeep.
 */
describe.each(DIALECTS)('post lists on $name hide the same posts', (dialect) => {
  let t: TestServer;
  let viewer: SignedUp;
  /** Who wrote what, and what each surface must show. */
  const posts: Record<string, { author: SignedUp; id: string }> = {};
  const TAG = `pipe${dialect.name}`;
  const WORD = `pipeword${dialect.name}`;

  /** A query as the viewer, or signed out. */
  const query = <T>(procedure: string, input: unknown, as: 'viewer' | 'signed out' = 'viewer') =>
    callTrpc<T>(t.url, procedure, { type: 'query', token: as === 'viewer' ? viewer.token : undefined, input });
  const act = (who: SignedUp, procedure: string, input: unknown) =>
    callTrpc(t.url, procedure, { token: who.token, input });
  const publish = async (author: SignedUp, name: string, visibility: 'public' | 'followers' = 'public') => {
    const mediaId = await insertReadyMedia(t.server.db.kysely, author.id);
    const made = await callTrpc<{ id: string }>(t.url, 'posts.create', {
      token: author.token,
      input: { mediaIds: [mediaId], caption: `${WORD} #${TAG} ${name}`, visibility },
    });
    expect(made.status).toBe(200);
    posts[name] = { author, id: made.body.result!.data.id };
  };

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    const user = (name: string) => signUp(t.url, `${name}_${dialect.name}`.slice(0, 30));
    viewer = await user('viewer');
    const friend = await user('friend');
    const blocker = await user('blocker');
    const blocked = await user('blocked');
    const locked = await user('locked');
    const stranger = await user('stranger');
    const muted = await user('muted');
    for (const whom of [friend, blocker, blocked, locked, muted]) {
      await act(viewer, 'graph.follow', { userId: whom.id });
    }
    await publish(friend, 'visible');
    await publish(friend, 'friendsonly', 'followers');
    await publish(friend, 'deleted');
    await publish(friend, 'moderated');
    await publish(blocker, 'byblocker');
    await publish(blocked, 'byblocked');
    await publish(locked, 'bylocked');
    await publish(stranger, 'strangersfollowers', 'followers');
    await publish(muted, 'bymuted');

    await act(blocker, 'graph.block', { userId: viewer.id });
    await act(viewer, 'graph.block', { userId: blocked.id });
    await act(viewer, 'graph.mute', { userId: muted.id });
    // Turned private after the viewer followed, then the follow withdrawn and asked for again:
    // a pending request only.
    await act(locked, 'accounts.update', { isPrivate: true });
    await act(viewer, 'graph.unfollow', { userId: locked.id });
    await act(viewer, 'graph.follow', { userId: locked.id });
    expect((await act(friend, 'posts.delete', { id: posts['deleted']!.id })).status).toBe(200);
    await settleEvents(t);
    await t.server.db.kysely
      .updateTable('posts')
      .set({ hidden_at: new Date().toISOString() })
      .where('id', '=', posts['moderated']!.id)
      .execute();
    await t.server.services.feed.rebuild(viewer.id);
    await t.server.db.kysely
      .insertInto('timeline')
      .values(Object.values(posts).map((p) => ({ user_id: viewer.id, post_id: p.id, author_id: p.author.id })))
      .onConflict((oc) => oc.columns(['user_id', 'post_id']).doNothing())
      .execute();
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** The names of the posts a page shows, in page order. */
  const names = (page: Page | undefined) =>
    (page?.items ?? []).map((item) => Object.keys(posts).find((name) => posts[name]!.id === item.id) ?? item.id);
  const sorted = (list: string[]) => [...list].sort();

  // `friendsonly` is the control: a followers-only post the viewer may see through an active follow.
  const everywhere = ['visible', 'friendsonly'];
  const askedForByName = [...everywhere, 'bymuted'];

  it('the home feed, latest and ranked', async () => {
    for (const order of ['latest', 'ranked']) {
      const page = await query<Page>('feed.home', { order, limit: 100 });
      expect(page.status).toBe(200);
      expect(sorted(names(page.body.result?.data)), order).toEqual(sorted(everywhere));
    }
  });

  it('a hashtag page', async () => {
    const page = await query<Page>('feed.hashtag', { tag: `#${TAG}`, limit: 100 });
    expect(sorted(names(page.body.result?.data))).toEqual(sorted(everywhere));
  });

  it('search', async () => {
    const found = await query<{ posts: Page }>('search.all', { q: WORD, limit: 100 });
    expect(sorted(names(found.body.result?.data.posts))).toEqual(sorted(askedForByName));
  });

  it('profile grids, and the posts one by one', async () => {
    const shown = new Set<string>();
    for (const [name, { author, id }] of Object.entries(posts)) {
      const one = await query('posts.get', { id });
      if (one.status === 200) shown.add(name);
      else expect(one.status, name).toBe(404);
      for (const procedure of ['posts.byUser', 'feed.user']) {
        const grid = await query<Page>(procedure, { userId: author.id, limit: 100 });
        if (grid.status === 404) continue; // a blocked pair: the whole profile is not found
        expect(grid.status, `${procedure} of ${name}'s author`).toBe(200);
        expect(names(grid.body.result?.data).includes(name), `${procedure}: ${name}`).toBe(one.status === 200);
      }
    }
    expect(sorted([...shown])).toEqual(sorted(askedForByName));
    for (const name of ['byblocker', 'byblocked']) {
      expect((await query('posts.byUser', { userId: posts[name]!.author.id })).status, name).toBe(404);
    }
  });

  it('signed out: only public posts of public accounts, muting and blocks being the viewer’s own', async () => {
    const publicOnes = ['visible', 'byblocker', 'byblocked', 'bymuted'];
    const hashtag = await query<Page>('feed.hashtag', { tag: TAG, limit: 100 }, 'signed out');
    expect(sorted(names(hashtag.body.result?.data))).toEqual(sorted(publicOnes));
    const found = await query<{ posts: Page }>('search.all', { q: WORD, limit: 100 }, 'signed out');
    expect(sorted(names(found.body.result?.data.posts))).toEqual(sorted(publicOnes));
  });

  it('every list takes the same page sizes: 1 to 100', async () => {
    const visible = posts['visible']!;
    const comment = await callTrpc<{ id: string }>(t.url, 'comments.create', {
      token: viewer.token,
      input: { postId: visible.id, body: 'a thread to reply to' },
    });
    expect(comment.status).toBe(200);
    const lists: [string, Record<string, unknown>][] = [
      ['feed.home', {}],
      ['feed.home', { order: 'ranked' }],
      ['feed.hashtag', { tag: TAG }],
      ['search.all', { q: WORD }],
      ['posts.byUser', { userId: visible.author.id }],
      ['feed.user', { userId: visible.author.id }],
      ['likes.likers', { postId: visible.id }],
      ['comments.list', { postId: visible.id }],
      ['comments.replies', { commentId: comment.body.result!.data.id }],
      ['graph.followers', { userId: viewer.id }],
      ['graph.following', { userId: viewer.id }],
      ['graph.requests.list', {}],
      ['notifications.list', {}],
    ];
    for (const [procedure, input] of lists) {
      const who = `${procedure} ${JSON.stringify(input)}`;
      expect((await query(procedure, { ...input, limit: 100 })).status, who).toBe(200);
      expect((await query(procedure, { ...input, limit: 1 })).status, who).toBe(200);
      for (const limit of [0, 101]) {
        const refused = await query(procedure, { ...input, limit });
        expect(refused.status, `${who} limit ${limit}`).toBe(400);
        expect(refused.body.error?.data).toMatchObject({ appCode: 'VALIDATION_FAILED' });
      }
    }
  });
});
