import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { photo } from '../fixtures/images.js';
import { insertReadyMedia, uploadReady } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

interface Notification {
  id: string;
  kind: string;
  actor: { id: string; username: string };
  actorCount: number;
  post: { id: string; thumbnailUrl: string | null; captionSnippet: string } | null;
  commentId: string | null;
  read: boolean;
}

describe.each(DIALECTS)('notifications on $name', (dialect) => {
  let t: TestServer;
  let n = 0;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const user = (prefix: string) => signUp(t.url, `${prefix}${++n}`);
  const call = async <T>(who: SignedUp, path: string, input?: unknown, type: 'query' | 'mutation' = 'mutation') => {
    const res = await callTrpc<T>(t.url, path, { token: who.token, input, type });
    if (!res.body.result) throw new Error(`${path}: ${JSON.stringify(res.body)}`);
    return res.body.result.data;
  };
  const post = async (author: SignedUp, input: Record<string, unknown> = {}) => {
    const mediaId = await insertReadyMedia(t.server.db.kysely, author.id);
    return (await call<{ id: string }>(author, 'posts.create', { mediaIds: [mediaId], ...input })).id;
  };
  const settle = () => t.server.background.dispatcher.drain();
  /** Re-delivers every event already handled: what a dispatcher crash before marking done causes. */
  const replayAll = async () => {
    await t.server.db.kysely
      .updateTable('events')
      .set({ status: 'pending', attempts: 0, available_at: new Date(0).toISOString(), locked_until: null })
      .execute();
    await settle();
  };
  const list = async (who: SignedUp) =>
    (await call<{ items: Notification[] }>(who, 'notifications.list', { limit: 100 }, 'query')).items;
  const rows = (who: SignedUp) =>
    t.server.db.kysely.selectFrom('notifications').selectAll().where('recipient_id', '=', who.id).execute();
  const unread = async (who: SignedUp) =>
    (await call<{ count: number }>(who, 'notifications.unreadCount', undefined, 'query')).count;

  it('notifies each kind exactly once, even when events are replayed', async () => {
    const ana = await user('ana');
    const bob = await user('bob');
    const cat = await user('cat');
    await call(cat, 'accounts.update', { isPrivate: true });

    await call(bob, 'graph.follow', { userId: ana.id });
    await call(ana, 'graph.follow', { userId: cat.id });
    await call(cat, 'graph.requests.approve', { userId: ana.id });
    const postId = await post(ana, { caption: `hello @${cat.username} and @${bob.username}` });
    await call(bob, 'likes.like', { postId });
    const comment = await call<{ id: string }>(bob, 'comments.create', { postId, body: 'nice' });
    const reply = await call<{ id: string }>(ana, 'comments.create', {
      postId,
      parentId: comment.id,
      body: `thanks @${cat.username}`,
    });
    await settle();
    await replayAll();

    const kinds = (items: Notification[]) => items.map((i) => `${i.kind}:${i.actor.username}`).sort();
    expect(kinds(await list(ana))).toEqual([
      `comment:${bob.username}`,
      `follow:${bob.username}`,
      `follow_approved:${cat.username}`,
      `like:${bob.username}`,
    ]);
    expect(kinds(await list(bob))).toEqual([`mention:${ana.username}`, `reply:${ana.username}`]);
    // cat is private: ana's request, then ana's mentions (cat may see ana's public post twice over).
    expect(kinds(await list(cat))).toEqual([
      `follow_request:${ana.username}`,
      `mention:${ana.username}`,
      `mention:${ana.username}`,
    ]);
    expect((await rows(ana)).length).toBe(4);
    const bobReply = (await list(bob)).find((i) => i.kind === 'reply');
    expect(bobReply).toMatchObject({ post: { id: postId }, commentId: reply.id, read: false });
  });

  it('tells the requester when a request is approved', async () => {
    const dan = await user('dan');
    const eve = await user('eve');
    await call(eve, 'accounts.update', { isPrivate: true });
    await call(dan, 'graph.follow', { userId: eve.id });
    await settle();
    await call(eve, 'graph.requests.approve', { userId: dan.id });
    await settle();
    await replayAll();
    expect((await list(dan)).map((i) => [i.kind, i.actor.id])).toEqual([['follow_approved', eve.id]]);
    expect((await list(eve)).map((i) => i.kind)).toEqual(['follow_request']);
  });

  it('groups likes per post and never notifies yourself', async () => {
    const author = await user('fay');
    const likers = [await user('gus'), await user('hal'), await user('ivy')];
    const mediaId = await uploadReady(t.url, author.token, await photo({ width: 320, height: 240 }));
    const postId = await post(author, { caption: `me @${author.username}`, mediaIds: [mediaId] });
    await call(author, 'likes.like', { postId });
    await call(author, 'comments.create', { postId, body: 'my own' });
    await settle();
    expect(await list(author)).toEqual([]);

    for (const liker of likers) {
      await call(liker, 'likes.like', { postId });
      await settle();
    }
    await replayAll();
    const items = await list(author);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'like', actorCount: 3, actor: { id: likers[2]!.id }, post: { id: postId } });
    expect(items[0]!.post!.thumbnailUrl).toMatch(/thumb\.jpg/);
  });

  it('never notifies across a block or about a post the recipient may not see', async () => {
    const jon = await user('jon');
    const kim = await user('kim');
    const lee = await user('lee');
    await call(jon, 'graph.block', { userId: kim.id });
    // A blocked user cannot even follow (the server answers as if jon did not exist).
    expect((await callTrpc(t.url, 'graph.follow', { token: kim.token, input: { userId: jon.id } })).status).toBe(404);
    await t.server.db.kysely
      .insertInto('follows')
      .values({
        id: `9${Date.now()}`,
        follower_id: kim.id,
        followee_id: jon.id,
        state: 'active',
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .execute();
    // Even an event that slipped past the service (a follow row from before the block) notifies nobody.
    await t.server.db.kysely
      .insertInto('events')
      .values({
        id: `9${Date.now()}`,
        type: 'follow.created',
        payload: JSON.stringify({ followerId: kim.id, followeeId: jon.id, state: 'active' }),
        status: 'pending',
        available_at: new Date(0).toISOString(),
        locked_until: null,
        last_error: null,
        created_at: new Date().toISOString(),
        processed_at: null,
      })
      .execute();
    const hidden = await post(jon, { caption: `for followers @${lee.username}`, visibility: 'followers' });
    await settle();
    expect(await list(jon)).toEqual([]);
    expect(await list(lee)).toEqual([]);

    // lee follows jon now: a follower sees the followers-only post and its mentions.
    await call(lee, 'graph.follow', { userId: jon.id });
    const open = await post(jon, { caption: `public @${lee.username}` });
    await call(lee, 'likes.like', { postId: open });
    await settle();
    expect((await list(lee)).map((i) => i.post?.id)).toEqual([open]);
    expect((await list(jon)).map((i) => i.kind).sort()).toEqual(['follow', 'like']);
    expect(hidden).not.toBe(open);
  });

  it('hides notifications whose post became invisible or whose actor got blocked', async () => {
    const max = await user('max');
    const ned = await user('ned');
    const oli = await user('oli');
    const postId = await post(max, { caption: `hi @${ned.username}` });
    await call(oli, 'graph.follow', { userId: ned.id });
    await settle();
    expect((await list(ned)).map((i) => i.kind).sort()).toEqual(['follow', 'mention']);
    expect(await unread(ned)).toBe(2);

    await call(max, 'posts.update', { id: postId, visibility: 'followers' });
    await call(ned, 'graph.block', { userId: oli.id });
    expect(await list(ned)).toEqual([]);
    expect(await unread(ned)).toBe(0);

    await call(ned, 'graph.unblock', { userId: oli.id });
    await call(max, 'posts.update', { id: postId, visibility: 'public' });
    expect((await list(ned)).map((i) => i.kind).sort()).toEqual(['follow', 'mention']);
    await call(max, 'posts.delete', { id: postId });
    expect((await list(ned)).map((i) => i.kind)).toEqual(['follow']);
  });

  it("carries the start of the post's caption, and never a caption the recipient may not read", async () => {
    const tia = await user('tia');
    const uma = await user('uma');
    const vic = await user('vic');
    await call(vic, 'accounts.update', { isPrivate: true });
    await call(tia, 'graph.follow', { userId: vic.id });
    await call(vic, 'graph.requests.approve', { userId: tia.id });
    const long = `Harbour at dusk with @${uma.username}, ${'and the long light over the water '.repeat(5)}`;
    const captioned = await post(tia, { caption: long });
    const bare = await post(tia);
    await call(uma, 'likes.like', { postId: bare });
    // A follower of a private account mentions uma under its post: uma may not see that post.
    const secret = await post(vic, { caption: 'vic-only sunrise' });
    await call(tia, 'comments.create', { postId: secret, body: `look @${uma.username}` });
    await settle();

    const byPost = new Map((await list(uma)).map((i) => [i.post?.id, i]));
    const mention = byPost.get(captioned)?.post?.captionSnippet ?? '';
    expect(mention.startsWith(`Harbour at dusk with @${uma.username}, and the long light`)).toBe(true);
    expect(mention.endsWith('…')).toBe(true);
    expect(mention.length).toBeLessThan(long.length);
    expect((await list(tia)).find((i) => i.kind === 'like')?.post).toMatchObject({ id: bare, captionSnippet: '' });
    expect(byPost.has(secret)).toBe(false);

    // Turned followers-only with a new caption: uma, no follower, reads neither, anywhere in the answer.
    await call(tia, 'posts.update', { id: captioned, caption: 'tia-only words', visibility: 'followers' });
    const raw = await callTrpc(t.url, 'notifications.list', { token: uma.token, input: { limit: 100 }, type: 'query' });
    expect(JSON.stringify(raw.body)).not.toMatch(/tia-only words|Harbour at dusk|vic-only sunrise/);
  });

  it('marks some or all notifications read and counts the unread ones', async () => {
    const pam = await user('pam');
    const fans = [await user('quin'), await user('rex'), await user('sid')];
    for (const fan of fans) await call(fan, 'graph.follow', { userId: pam.id });
    await settle();
    const items = await list(pam);
    expect(items.map((i) => i.actor.id)).toEqual([...fans].reverse().map((f) => f.id));
    expect(await unread(pam)).toBe(3);

    expect(await call(pam, 'notifications.markRead', { ids: [items[0]!.id] })).toEqual({ updated: 1 });
    expect(await unread(pam)).toBe(2);
    expect((await list(pam)).map((i) => i.read)).toEqual([true, false, false]);
    expect(await call(pam, 'notifications.markRead', { all: true })).toEqual({ updated: 2 });
    expect(await unread(pam)).toBe(0);

    // Someone else's ids are not yours to mark.
    const other = await user('tom');
    expect(await call(other, 'notifications.markRead', { ids: [items[1]!.id] })).toEqual({ updated: 0 });
    const bad = await callTrpc(t.url, 'notifications.markRead', { token: pam.token, input: {} });
    expect(bad.status).toBe(400);
    const anonymous = await callTrpc(t.url, 'notifications.list', { type: 'query', input: {} });
    expect(anonymous.status).toBe(401);
  });

  it('pages newest first with a cursor', async () => {
    const uma = await user('uma');
    const fans = [await user('vic'), await user('wes'), await user('xia')];
    for (const fan of fans) await call(fan, 'graph.follow', { userId: uma.id });
    await settle();
    const first = await call<{ items: Notification[]; nextCursor: string | null }>(
      uma,
      'notifications.list',
      { limit: 2 },
      'query',
    );
    expect(first.items.map((i) => i.actor.id)).toEqual([fans[2]!.id, fans[1]!.id]);
    const second = await call<{ items: Notification[]; nextCursor: string | null }>(
      uma,
      'notifications.list',
      { limit: 2, cursor: first.nextCursor },
      'query',
    );
    expect(second.items.map((i) => i.actor.id)).toEqual([fans[0]!.id]);
    expect(second.nextCursor).toBeNull();
  });
});
