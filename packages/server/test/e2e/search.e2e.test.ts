import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../fixtures/images.js';
import { DIALECTS } from '../support/databases.js';
import { uploadReady } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { settleEvents } from '../support/tags.js';
import { signUp, type SignedUp } from '../support/users.js';

interface SearchResults {
  users: { id: string; username: string }[];
  tags: { name: string; postCount: number }[];
  posts: { items: { id: string; caption: string }[]; nextCursor: string | null };
}

type Author = SignedUp & { mediaId: string };

describe.each(DIALECTS)('search on $name', (dialect) => {
  let t: TestServer;
  let ana: Author;
  let anabel: Author;
  let zed: Author;
  let priv: Author;
  let carl: Author;
  let vic: Author;
  const captions = new Map<string, string>();

  const user = async (name: string): Promise<Author> => {
    const signed = await signUp(t.url, name);
    const mediaId = await uploadReady(t.url, signed.token, await photo({ width: 300 + captions.size, height: 200 }));
    captions.set(`media:${name}`, mediaId);
    return { ...signed, mediaId };
  };
  const post = async (author: Author, caption: string, visibility: 'public' | 'followers' = 'public') => {
    const res = await callTrpc<{ id: string }>(t.url, 'posts.create', {
      token: author.token,
      input: { mediaIds: [author.mediaId], caption, visibility },
    });
    expect(res.status).toBe(200);
    const id = res.body.result!.data.id;
    captions.set(id, caption);
    return id;
  };
  const search = async (q: string, token?: string, page: { cursor?: string; limit?: number } = {}) => {
    const res = await callTrpc<SearchResults>(t.url, 'search.all', {
      type: 'query',
      ...(token ? { token } : {}),
      input: { q, ...page },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.result!.data;
  };
  /** Every post of a search, page by page. */
  const allPosts = async (q: string, token?: string, limit = 2) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await search(q, token, { limit, ...(cursor ? { cursor } : {}) });
      seen.push(...page.posts.items.map((p) => p.caption));
      if (page.posts.nextCursor === null) return seen;
      cursor = page.posts.nextCursor;
    }
    throw new Error('too many pages');
  };

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    ana = await user('ana');
    anabel = await user('anabel');
    zed = await user('zed');
    priv = await user('priv');
    carl = await user('carl');
    vic = await user('vic');
    await callTrpc(t.url, 'accounts.update', { token: zed.token, input: { displayName: 'Analog Zed' } });
    await callTrpc(t.url, 'accounts.update', { token: priv.token, input: { isPrivate: true } });
    await callTrpc(t.url, 'graph.block', { token: carl.token, input: { username: 'vic' } });

    await post(ana, 'Sunset over the harbour #sunset');
    await post(ana, 'harbour lights');
    await post(ana, 'harbour secret #hushhush', 'followers');
    await post(priv, 'harbour from a private account');
    await post(carl, 'harbour by carl');
    await post(anabel, 'harbour at noon');
    await post(zed, 'harbour at night');
    const gone = await post(ana, 'harbour deleted');
    await callTrpc(t.url, 'posts.delete', { token: ana.token, input: { id: gone } });
    await post(anabel, 'tide tide tide');
    await post(zed, 'the tide came in slowly over the long grey stones of the bay');
    await settleEvents(t);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('finds users by username and display-name prefix, exact match first', async () => {
    const { users } = await search('Ana', vic.token);
    expect(users.map((u) => u.username)).toEqual(['ana', 'anabel', 'zed']);
  });

  it('finds hashtags by prefix, not ones only non-public posts use', async () => {
    expect((await search('#sun')).tags).toEqual([{ name: 'sunset', postCount: 1 }]);
    expect((await search('hush', ana.token)).tags).toEqual([]);
  });

  it('finds posts by caption words and pages them without duplicates', async () => {
    const seen = await allPosts('harbour', vic.token);
    expect(seen.sort()).toEqual(
      ['Sunset over the harbour #sunset', 'harbour lights', 'harbour at noon', 'harbour at night'].sort(),
    );
    expect(new Set(seen).size).toBe(seen.length);
    // Every word must match.
    expect((await search('sunset harbour', vic.token)).posts.items.map((p) => p.caption)).toEqual([
      'Sunset over the harbour #sunset',
    ]);
  });

  it('ranks the better match first', async () => {
    const { posts } = await search('tide');
    expect(posts.items.map((p) => p.caption)).toEqual([
      'tide tide tide',
      'the tide came in slowly over the long grey stones of the bay',
    ]);
  });

  it('shows followers-only and private-account posts to followers and authors only', async () => {
    const anonymous = await allPosts('harbour');
    expect(anonymous).not.toContain('harbour secret #hushhush');
    expect(anonymous).not.toContain('harbour from a private account');
    expect(anonymous).toContain('harbour by carl');

    expect(await allPosts('secret', ana.token)).toEqual(['harbour secret #hushhush']);
    expect(await allPosts('secret', vic.token)).toEqual([]);
    await callTrpc(t.url, 'graph.follow', { token: vic.token, input: { username: 'ana' } });
    expect(await allPosts('secret', vic.token)).toEqual(['harbour secret #hushhush']);

    await callTrpc(t.url, 'graph.follow', { token: vic.token, input: { username: 'priv' } });
    expect(await allPosts('private', vic.token)).toEqual([]);
    await callTrpc(t.url, 'graph.requests.approve', { token: priv.token, input: { username: 'vic' } });
    expect(await allPosts('private', vic.token)).toEqual(['harbour from a private account']);
  });

  it('never shows deleted posts', async () => {
    expect(await allPosts('deleted', ana.token)).toEqual([]);
  });

  it('never shows blocked users or their posts, either way', async () => {
    expect((await search('car', vic.token)).users).toEqual([]);
    expect(await allPosts('carl', vic.token)).toEqual([]);
    expect((await search('vi', carl.token)).users).toEqual([]);
    expect((await search('car', ana.token)).users.map((u) => u.username)).toEqual(['carl']);
    expect(await allPosts('carl', ana.token)).toEqual(['harbour by carl']);
  });

  it('rejects a forged cursor', async () => {
    const res = await callTrpc(t.url, 'search.all', { type: 'query', input: { q: 'harbour', cursor: 'nonsense' } });
    expect(res.status).toBe(400);
  });
});
