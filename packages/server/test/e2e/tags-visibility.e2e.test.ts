import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { settleEvents } from '../support/tags.js';
import { signUp, type SignedUp } from '../support/users.js';

interface TagView {
  name: string;
  postCount: number;
  postCountCapped: boolean;
  createdAt: string;
}

interface Page {
  items: { id: string }[];
  nextCursor: string | null;
}

/**
 * A hashtag says nothing about posts the caller may not see: `tags.get` finds it only through
 * a post the caller may see and describes it by those posts alone; `feed.hashtag` pages and
 * cursors only ever name such posts.
 */
describe.each(DIALECTS)('hashtags show only what the caller may see, on $name', (dialect) => {
  let t: TestServer;
  let n = 0;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const user = () => signUp(t.url, `tv${++n}_${dialect.name}`);
  const tagName = () => `secret${++n}`;
  const act = async (who: SignedUp, path: string, input: unknown) => {
    const res = await callTrpc(t.url, path, { token: who.token, input });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const post = async (author: SignedUp, caption: string, visibility: 'public' | 'followers' = 'public') => {
    const mediaId = await insertReadyMedia(t.server.db.kysely, author.id);
    const made = await callTrpc<{ id: string; createdAt: string }>(t.url, 'posts.create', {
      token: author.token,
      input: { mediaIds: [mediaId], caption, visibility },
    });
    expect(made.status).toBe(200);
    return made.body.result!.data;
  };
  const getTag = (name: string, viewer: SignedUp | null) =>
    callTrpc<TagView>(t.url, 'tags.get', {
      type: 'query',
      ...(viewer ? { token: viewer.token } : {}),
      input: { name },
    });
  const hashtagPage = async (tag: string, viewer: SignedUp | null, limit: number, cursor?: string) => {
    const res = await callTrpc<Page>(t.url, 'feed.hashtag', {
      type: 'query',
      ...(viewer ? { token: viewer.token } : {}),
      input: { tag, limit, ...(cursor ? { cursor } : {}) },
    });
    expect(res.status).toBe(200);
    return res.body.result!.data;
  };

  it('does not reveal a tag only followers-only posts and private accounts use', async () => {
    const author = await user();
    const privy = await user();
    const follower = await user();
    const stranger = await user();
    await act(privy, 'accounts.update', { isPrivate: true });
    await act(follower, 'graph.follow', { userId: author.id });
    const tag = tagName();
    const closed = await post(author, `just us #${tag}`, 'followers');
    await post(privy, `mine #${tag}`);
    await settleEvents(t);

    for (const viewer of [null, stranger]) {
      const res = await getTag(tag, viewer);
      expect(res.status, `viewer ${viewer?.username ?? 'signed out'}`).toBe(404);
      expect(res.body.error?.data).toMatchObject({ appCode: 'NOT_FOUND' });
    }
    // The answer is the same as for a name nobody ever used.
    const unused = await getTag(`never${tag}`, stranger);
    expect((await getTag(tag, stranger)).body.error?.message).toBe(unused.body.error?.message);

    // Those who may see a post carrying it see the tag, described by the posts they may see.
    expect((await getTag(tag, follower)).body.result?.data).toEqual({
      name: tag,
      postCount: 1,
      postCountCapped: false,
      createdAt: closed.createdAt,
    });
    expect((await getTag(tag, author)).body.result?.data).toMatchObject({ postCount: 1, createdAt: closed.createdAt });
    expect((await getTag(tag, privy)).body.result?.data).toMatchObject({ postCount: 1 });
  });

  it('dates and counts a tag by the posts the caller may see, never by hidden ones', async () => {
    const author = await user();
    const stranger = await user();
    const tag = tagName();
    // First used in a followers-only post; a public one comes later.
    await post(author, `early #${tag}`, 'followers');
    await post(author, `early again #${tag}`, 'followers');
    const open = await post(author, `now public #${tag}`);
    await settleEvents(t);

    for (const viewer of [null, stranger]) {
      expect((await getTag(tag, viewer)).body.result?.data).toEqual({
        name: tag,
        postCount: 1,
        postCountCapped: false,
        createdAt: open.createdAt,
      });
    }
    expect((await getTag(tag, author)).body.result?.data.postCount).toBe(3);
  });

  it('hides a tag from someone blocked either way with its only author, and after its author goes private', async () => {
    const author = await user();
    const blocked = await user();
    const blocker = await user();
    const tag = tagName();
    await post(author, `hello #${tag}`);
    await settleEvents(t);
    await act(author, 'graph.block', { userId: blocked.id });
    await act(blocker, 'graph.block', { userId: author.id });
    expect((await getTag(tag, blocked)).status).toBe(404);
    expect((await getTag(tag, blocker)).status).toBe(404);
    expect((await getTag(tag, null)).status).toBe(200);

    // Going private hides the posts at once, though the tag rows were written as public.
    await act(author, 'accounts.update', { isPrivate: true });
    expect((await getTag(tag, null)).status).toBe(404);
    expect((await hashtagPage(tag, null, 10)).items).toEqual([]);
  });

  it('feed.hashtag fills pages with visible posts and never hands out a cursor naming a hidden one', async () => {
    const author = await user();
    const stranger = await user();
    const tag = tagName();
    const older = [await post(author, `a #${tag}`), await post(author, `b #${tag}`)];
    for (let i = 0; i < 3; i++) await post(author, `later, hidden #${tag}`, 'followers');
    await settleEvents(t);

    const first = await hashtagPage(tag, stranger, 1);
    expect(first.items.map((p) => p.id)).toEqual([older[1]!.id]);
    expect(first.nextCursor).not.toBeNull();
    const second = await hashtagPage(tag, stranger, 1, first.nextCursor!);
    expect(second.items.map((p) => p.id)).toEqual([older[0]!.id]);
    expect(second.nextCursor).toBeNull();

    // Nothing but hidden posts: an empty page, and no cursor into them.
    const onlyHidden = tagName();
    for (let i = 0; i < 3; i++) await post(author, `hidden #${onlyHidden}`, 'followers');
    await settleEvents(t);
    expect(await hashtagPage(onlyHidden, null, 1)).toEqual({ items: [], nextCursor: null });
    expect(await hashtagPage(onlyHidden, stranger, 1)).toEqual({ items: [], nextCursor: null });
    expect((await hashtagPage(onlyHidden, author, 2)).items).toHaveLength(2);
  });

  it('finds the one public post of a tag behind thousands of newer followers-only ones', async () => {
    const author = await user();
    const tag = tagName();
    const open = await post(author, `the public one #${tag}`);
    await settleEvents(t);
    const tagId = (
      await t.server.db.kysely.selectFrom('tags').select('id').where('name', '=', tag).executeTakeFirstOrThrow()
    ).id;
    // Written straight into the database (creating them through the API would take minutes).
    const now = new Date().toISOString();
    const base = 7_000_000_000_000_000_000n + BigInt(n) * 10_000n;
    await t.server.db.kysely.transaction().execute(async (trx) => {
      for (let start = 0; start < 5_000; start += 500) {
        const ids = Array.from({ length: 500 }, (_, i) => String(base + BigInt(start + i)));
        await trx
          .insertInto('posts')
          .values(
            ids.map((id) => ({
              id,
              author_id: author.id,
              caption: `#${tag}`,
              location_name: null,
              location_lat: null,
              location_lng: null,
              visibility: 'followers' as const,
              created_at: now,
              updated_at: now,
              deleted_at: null,
              hidden_at: null,
              cleaned_at: null,
            })),
          )
          .execute();
        await trx
          .insertInto('post_tags')
          .values(
            ids.map((id) => ({ post_id: id, tag_id: tagId, author_id: author.id, created_at: now, is_public: 0 })),
          )
          .execute();
      }
    });

    expect((await getTag(tag, null)).body.result?.data).toMatchObject({ postCount: 1, createdAt: open.createdAt });
    expect((await hashtagPage(tag, null, 5)).items.map((p) => p.id)).toEqual([open.id]);
    // The author sees all of them: counting stops at the cap.
    expect((await getTag(tag, author)).body.result?.data).toMatchObject({ postCount: 1_000, postCountCapped: true });
  });

  it('search.all suggests a tag only through posts everyone may see, by authors not blocked with the caller', async () => {
    const author = await user();
    const blocked = await user();
    const tag = tagName();
    await post(author, `out loud #${tag}`);
    await settleEvents(t);
    const suggested = async (viewer: SignedUp | null) => {
      const res = await callTrpc<{ tags: { name: string; postCount: number }[] }>(t.url, 'search.all', {
        type: 'query',
        ...(viewer ? { token: viewer.token } : {}),
        input: { q: `#${tag}` },
      });
      expect(res.status).toBe(200);
      return res.body.result!.data.tags;
    };
    expect(await suggested(null)).toEqual([{ name: tag, postCount: 1 }]);
    await act(author, 'graph.block', { userId: blocked.id });
    expect(await suggested(blocked)).toEqual([]);
    // Gone at once when the author goes private, before anything derived from it is rewritten.
    await act(author, 'accounts.update', { isPrivate: true });
    expect(await suggested(null)).toEqual([]);
  });

  it('brings a tag back when its author goes public again', async () => {
    const author = await user();
    const stranger = await user();
    await act(author, 'accounts.update', { isPrivate: true });
    const tag = tagName();
    const mine = await post(author, `from behind the curtain #${tag}`);
    await settleEvents(t);
    expect((await getTag(tag, stranger)).status).toBe(404);

    await act(author, 'accounts.update', { isPrivate: false });
    await settleEvents(t);
    expect((await getTag(tag, stranger)).body.result?.data).toMatchObject({ postCount: 1, createdAt: mine.createdAt });
    expect((await hashtagPage(tag, null, 5)).items.map((p) => p.id)).toEqual([mine.id]);
    const search = await callTrpc<{ tags: { name: string; postCount: number }[] }>(t.url, 'search.all', {
      type: 'query',
      input: { q: tag },
    });
    expect(search.body.result?.data.tags).toEqual([{ name: tag, postCount: 1 }]);
  });
});
