import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../fixtures/images.js';
import { DIALECTS } from '../support/databases.js';
import { uploadReady } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

describe.each(DIALECTS)('services append domain events on $name', (dialect) => {
  let t: TestServer;
  let n = 0;
  let seen = '0';

  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t.stop();
  });

  const user = () => signUp(t.url, `ev${dialect.name}${++n}`);
  const call = async <T = unknown>(path: string, by: SignedUp, input: unknown): Promise<T> => {
    const response = await callTrpc<T>(t.url, path, { token: by.token, input });
    if (!response.body.result) throw new Error(`${path} failed: ${JSON.stringify(response.body)}`);
    return response.body.result.data;
  };

  /** The events appended since the last call, as `{ type, ...payload }`, oldest first. */
  const newEvents = async (): Promise<Record<string, unknown>[]> => {
    const rows = await t.server.db.kysely
      .selectFrom('events')
      .select(['id', 'type', 'payload'])
      .where('id', '>', seen)
      .orderBy('id')
      .execute();
    if (rows.length > 0) seen = rows[rows.length - 1]!.id;
    return rows.map((r) => ({ type: r.type, ...(JSON.parse(r.payload) as object) }));
  };

  it('follow, approve, unfollow and reject emit only when the follow changed', async () => {
    const [ana, ben, cat] = [await user(), await user(), await user()];
    await newEvents();

    await call('graph.follow', ben, { userId: ana.id });
    expect(await newEvents()).toEqual([
      { type: 'follow.created', followerId: ben.id, followeeId: ana.id, state: 'active' },
    ]);
    await call('graph.follow', ben, { userId: ana.id });
    expect(await newEvents()).toEqual([]);

    await call('graph.unfollow', ben, { userId: ana.id });
    expect(await newEvents()).toEqual([{ type: 'follow.removed', followerId: ben.id, followeeId: ana.id }]);
    await call('graph.unfollow', ben, { userId: ana.id });
    expect(await newEvents()).toEqual([]);

    await call('accounts.update', ana, { isPrivate: true });
    await newEvents();
    await call('graph.follow', cat, { userId: ana.id });
    await call('graph.follow', ben, { userId: ana.id });
    expect(await newEvents()).toEqual([
      { type: 'follow.created', followerId: cat.id, followeeId: ana.id, state: 'pending' },
      { type: 'follow.created', followerId: ben.id, followeeId: ana.id, state: 'pending' },
    ]);
    await call('graph.requests.approve', ana, { userId: cat.id });
    await call('graph.requests.approve', ana, { userId: cat.id });
    await call('graph.requests.reject', ana, { userId: cat.id }); // an active follow is left alone
    await call('graph.requests.reject', ana, { userId: ben.id });
    await call('graph.requests.reject', ana, { userId: ben.id });
    expect(await newEvents()).toEqual([
      { type: 'follow.approved', followerId: cat.id, followeeId: ana.id },
      { type: 'follow.removed', followerId: ben.id, followeeId: ana.id },
    ]);
  });

  it('block removes follows both ways (one event each); mutes emit once per change', async () => {
    const [ana, ben] = [await user(), await user()];
    await call('graph.follow', ben, { userId: ana.id });
    await call('graph.follow', ana, { userId: ben.id });
    await newEvents();

    await call('graph.block', ana, { userId: ben.id });
    const blocked = await newEvents();
    expect(blocked).toHaveLength(3);
    expect(blocked).toEqual(
      expect.arrayContaining([
        { type: 'follow.removed', followerId: ben.id, followeeId: ana.id },
        { type: 'follow.removed', followerId: ana.id, followeeId: ben.id },
      ]),
    );
    expect(blocked[2]).toEqual({ type: 'block.created', blockerId: ana.id, blockedId: ben.id });
    await call('graph.block', ana, { userId: ben.id });
    expect(await newEvents()).toEqual([]);

    await call('graph.unblock', ana, { userId: ben.id });
    await call('graph.mute', ana, { userId: ben.id });
    await call('graph.mute', ana, { userId: ben.id });
    await call('graph.unmute', ana, { userId: ben.id });
    await call('graph.unmute', ana, { userId: ben.id });
    expect(await newEvents()).toEqual([
      { type: 'mute.created', muterId: ana.id, mutedId: ben.id },
      { type: 'mute.removed', muterId: ana.id, mutedId: ben.id },
    ]);
  });

  it('media, posts, likes and comments emit their events', async () => {
    const [ana, ben] = [await user(), await user()];
    await newEvents();
    const mediaId = await uploadReady(t.url, ana.token, await photo());
    expect(await newEvents()).toEqual([{ type: 'media.ready', mediaId, ownerId: ana.id }]);

    const post = await call<{ id: string }>('posts.create', ana, {
      mediaIds: [mediaId],
      caption: 'hi',
      visibility: 'public',
    });
    expect(await newEvents()).toEqual([{ type: 'post.created', postId: post.id, authorId: ana.id }]);

    await call('posts.update', ana, { id: post.id, caption: 'hello' });
    await call('posts.update', ana, { id: post.id, visibility: 'followers' });
    expect(await newEvents()).toEqual([
      { type: 'post.updated', postId: post.id, authorId: ana.id, visibilityChanged: false, captionChanged: true },
      { type: 'post.updated', postId: post.id, authorId: ana.id, visibilityChanged: true, captionChanged: false },
    ]);
    await call('posts.update', ana, { id: post.id, visibility: 'public' });
    await newEvents();

    await call('likes.like', ben, { postId: post.id });
    await call('likes.like', ben, { postId: post.id, reaction: 'fire' }); // a changed reaction is no new like
    expect(await newEvents()).toEqual([{ type: 'like.created', postId: post.id, userId: ben.id, reaction: 'like' }]);

    const comment = await call<{ id: string }>('comments.create', ben, { postId: post.id, body: 'nice' });
    const reply = await call<{ id: string }>('comments.create', ana, {
      postId: post.id,
      body: 'ty',
      parentId: comment.id,
    });
    expect(await newEvents()).toEqual([
      { type: 'comment.created', commentId: comment.id, postId: post.id, authorId: ben.id, parentId: null },
      { type: 'comment.created', commentId: reply.id, postId: post.id, authorId: ana.id, parentId: comment.id },
    ]);

    await call('posts.delete', ana, { id: post.id });
    await call('posts.delete', ana, { id: post.id });
    expect(await newEvents()).toEqual([{ type: 'post.deleted', postId: post.id, authorId: ana.id }]);
  });

  it('a write that fails appends nothing', async () => {
    const ana = await user();
    await newEvents();
    const failed = await callTrpc(t.url, 'posts.create', {
      token: ana.token,
      input: { mediaIds: ['123456789'], caption: 'no such photo', visibility: 'public' },
    });
    expect(failed.status).toBe(404);
    expect(await newEvents()).toEqual([]);
  });
});
