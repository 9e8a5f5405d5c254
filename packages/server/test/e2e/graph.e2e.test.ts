import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../fixtures/images.js';
import { DIALECTS } from '../support/databases.js';
import { uploadReady } from '../support/media.js';
import { signUp as signUpUser } from '../support/users.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';

interface User {
  id: string;
  token: string;
  username: string;
}
interface PublicUser {
  id: string;
  username: string;
  isPrivate: boolean;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Relationship {
  following: string;
  followedBy: string;
  blocking: boolean;
  blockedBy: boolean;
  muting: boolean;
}
interface Profile {
  user: PublicUser;
  counts: { followers: number; following: number; posts: number };
  relationship: Relationship | null;
}

describe.each(DIALECTS)('graph: follows and private accounts on $name', (dialect) => {
  let t: TestServer;
  let n = 0;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const signUp = (prefix: string): Promise<User> => signUpUser(t.url, `${prefix}${++n}`);
  const mutate = <T = unknown>(path: string, by: User | null, input?: unknown) =>
    callTrpc<T>(t.url, path, { input, ...(by ? { token: by.token } : {}) });
  const query = <T = unknown>(path: string, by: User | null, input?: unknown) =>
    callTrpc<T>(t.url, path, { type: 'query', input, ...(by ? { token: by.token } : {}) });
  const follow = (by: User, whom: User) => mutate<{ state: string }>('graph.follow', by, { userId: whom.id });
  const relationship = async (by: User, whom: User) =>
    (await query<Relationship>('graph.relationship', by, { userId: whom.id })).body.result?.data;
  const profile = (by: User | null, whom: User) => query<Profile>('users.profile', by, { userId: whom.id });
  const counts = async (whom: User) => (await profile(null, whom)).body.result!.data.counts;
  const followers = (by: User | null, whom: User, extra: object = {}) =>
    query<Page<PublicUser>>('graph.followers', by, { userId: whom.id, ...extra });
  const following = (by: User | null, whom: User) =>
    query<Page<PublicUser>>('graph.following', by, { userId: whom.id });
  const names = (page: { body: { result?: { data: Page<PublicUser> } } }) =>
    page.body.result?.data.items.map((u) => u.username);
  const makePrivate = async (who: User, isPrivate = true) => {
    const updated = await mutate<{ isPrivate: boolean }>('accounts.update', who, { isPrivate });
    expect(updated.body.result?.data.isPrivate).toBe(isPrivate);
  };

  it('follows a public account at once, idempotently, and unfollows', async () => {
    const ana = await signUp('ana');
    const ben = await signUp('ben');

    const first = await follow(ben, ana);
    expect(first.status).toBe(200);
    expect(first.body.result?.data).toEqual({ state: 'active' });
    expect(await relationship(ben, ana)).toEqual({
      following: 'active',
      followedBy: 'none',
      blocking: false,
      blockedBy: false,
      muting: false,
    });
    expect(await relationship(ana, ben)).toMatchObject({ following: 'none', followedBy: 'active' });
    expect(await counts(ana)).toMatchObject({ followers: 1, following: 0 });
    expect(await counts(ben)).toMatchObject({ followers: 0, following: 1 });
    expect(names(await followers(null, ana))).toEqual([ben.username]);
    expect(names(await following(null, ben))).toEqual([ana.username]);

    // Following again changes nothing, counters included.
    expect((await follow(ben, ana)).body.result?.data).toEqual({ state: 'active' });
    expect(await counts(ana)).toMatchObject({ followers: 1 });

    expect((await mutate('graph.unfollow', ben, { userId: ana.id })).body.result?.data).toEqual({ ok: true });
    expect(await relationship(ben, ana)).toMatchObject({ following: 'none' });
    expect(await counts(ana)).toMatchObject({ followers: 0 });
    expect(await counts(ben)).toMatchObject({ following: 0 });
    expect(names(await followers(null, ana))).toEqual([]);
    const again = await mutate('graph.unfollow', ben, { userId: ana.id });
    expect(again.body.result?.data).toEqual({ ok: true });
    expect(await counts(ana)).toMatchObject({ followers: 0 });
  });

  it('names users by username as well as by id', async () => {
    const ana = await signUp('ana');
    const ben = await signUp('ben');
    const followed = await mutate<{ state: string }>('graph.follow', ben, { username: ana.username.toUpperCase() });
    expect(followed.body.result?.data.state).toBe('active');
    const page = await query<Page<PublicUser>>('graph.followers', null, { username: ana.username });
    expect(names(page)).toEqual([ben.username]);
    const shown = await query<Profile>('users.profile', ben, { username: ana.username });
    expect(shown.body.result?.data).toMatchObject({
      user: { id: ana.id, username: ana.username },
      counts: { followers: 1, following: 0, posts: 0 },
      relationship: { following: 'active' },
    });
  });

  it('pages followers newest first', async () => {
    const star = await signUp('star');
    const fans = [await signUp('fan'), await signUp('fan'), await signUp('fan')];
    for (const fan of fans) await follow(fan, star);
    const first = await followers(null, star, { limit: 2 });
    expect(names(first)).toEqual([fans[2]!.username, fans[1]!.username]);
    const cursor = first.body.result!.data.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const second = await followers(null, star, { limit: 2, cursor });
    expect(names(second)).toEqual([fans[0]!.username]);
    expect(second.body.result?.data.nextCursor).toBeNull();
    const bad = await followers(null, star, { cursor: 'garbage' });
    expect(bad.status).toBe(400);
  });

  it('turns a follow of a private account into a request the owner approves', async () => {
    const ana = await signUp('ana');
    const ben = await signUp('ben');
    await makePrivate(ana);

    expect((await follow(ben, ana)).body.result?.data).toEqual({ state: 'pending' });
    expect(await relationship(ben, ana)).toMatchObject({ following: 'pending' });
    expect(await relationship(ana, ben)).toMatchObject({ followedBy: 'pending' });
    expect(await counts(ana)).toMatchObject({ followers: 0 });
    expect(await counts(ben)).toMatchObject({ following: 0 });
    // A pending request is not enough to read a private account's lists.
    expect((await followers(ben, ana)).status).toBe(404);
    // Asking again is the same request.
    expect((await follow(ben, ana)).body.result?.data).toEqual({ state: 'pending' });

    const requests = await query<Page<{ id: string; user: PublicUser; createdAt: string }>>(
      'graph.requests.list',
      ana,
      {},
    );
    expect(requests.body.result?.data.items).toEqual([
      { id: expect.any(String), user: expect.objectContaining({ id: ben.id }), createdAt: expect.any(String) },
    ]);
    // Requests are to the account: ben has none.
    expect((await query<Page<unknown>>('graph.requests.list', ben, {})).body.result?.data.items).toEqual([]);

    expect((await mutate('graph.requests.approve', ana, { userId: ben.id })).body.result?.data).toEqual({ ok: true });
    expect(await relationship(ben, ana)).toMatchObject({ following: 'active' });
    expect(await counts(ana)).toMatchObject({ followers: 1 });
    expect(await counts(ben)).toMatchObject({ following: 1 });
    expect(names(await followers(ben, ana))).toEqual([ben.username]);
    expect((await query<Page<unknown>>('graph.requests.list', ana, {})).body.result?.data.items).toEqual([]);
    // Approving twice is harmless and counts once.
    expect((await mutate('graph.requests.approve', ana, { userId: ben.id })).status).toBe(200);
    expect(await counts(ana)).toMatchObject({ followers: 1 });
    expect((await follow(ben, ana)).body.result?.data).toEqual({ state: 'active' });
  });

  it('rejects a request, and lets the requester withdraw one', async () => {
    const ana = await signUp('ana');
    const ben = await signUp('ben');
    const cat = await signUp('cat');
    await makePrivate(ana);
    await follow(ben, ana);
    await follow(cat, ana);

    expect((await mutate('graph.requests.reject', ana, { userId: ben.id })).body.result?.data).toEqual({ ok: true });
    expect(await relationship(ben, ana)).toMatchObject({ following: 'none' });
    expect((await mutate('graph.requests.reject', ana, { userId: ben.id })).status).toBe(200);
    // Nothing left to approve.
    const approve = await mutate<unknown>('graph.requests.approve', ana, { userId: ben.id });
    expect(approve.status).toBe(404);
    expect(approve.body.error?.data.appCode).toBe('NOT_FOUND');

    expect((await mutate('graph.unfollow', cat, { userId: ana.id })).status).toBe(200);
    expect(await relationship(ana, cat)).toMatchObject({ followedBy: 'none' });
    expect((await query<Page<unknown>>('graph.requests.list', ana, {})).body.result?.data.items).toEqual([]);
    expect(await counts(ana)).toMatchObject({ followers: 0 });
  });

  it('going public approves nothing; going private keeps followers', async () => {
    const ana = await signUp('ana');
    const ben = await signUp('ben');
    const cat = await signUp('cat');
    await follow(cat, ana);
    await makePrivate(ana);
    // Existing followers stay, and keep reading the lists.
    expect(await relationship(cat, ana)).toMatchObject({ following: 'active' });
    expect(names(await followers(cat, ana))).toEqual([cat.username]);
    expect(await counts(ana)).toMatchObject({ followers: 1 });

    expect((await follow(ben, ana)).body.result?.data).toEqual({ state: 'pending' });
    await makePrivate(ana, false);
    expect(await relationship(ben, ana)).toMatchObject({ following: 'pending' });
    const requests = await query<Page<{ user: PublicUser }>>('graph.requests.list', ana, {});
    expect(requests.body.result?.data.items.map((r) => r.user.id)).toEqual([ben.id]);
    expect(await counts(ana)).toMatchObject({ followers: 1 });
    // The owner may still decide.
    await mutate('graph.requests.approve', ana, { userId: ben.id });
    expect(await relationship(ben, ana)).toMatchObject({ following: 'active' });
    expect(await counts(ana)).toMatchObject({ followers: 2 });
  });

  it("shows a private account's lists only to itself and its followers", async () => {
    const ana = await signUp('ana');
    const fan = await signUp('fan');
    const stranger = await signUp('str');
    await follow(fan, ana);
    await makePrivate(ana);
    expect((await followers(null, ana)).status).toBe(404);
    expect((await following(null, ana)).status).toBe(404);
    expect((await followers(stranger, ana)).status).toBe(404);
    expect((await followers(stranger, ana)).body.error?.data.appCode).toBe('NOT_FOUND');
    expect(names(await followers(ana, ana))).toEqual([fan.username]);
    expect(names(await followers(fan, ana))).toEqual([fan.username]);
    expect(names(await following(fan, ana))).toEqual([]);
    // The profile header itself stays visible, counts included.
    const shown = await profile(stranger, ana);
    expect(shown.body.result?.data).toMatchObject({ user: { isPrivate: true }, counts: { followers: 1 } });
  });

  it('profile: counts posts, no relationship when signed out', async () => {
    const ana = await signUp('ana');
    const mediaId = await uploadReady(t.url, ana.token, await photo({ width: 300, height: 200 }));
    const created = await mutate('posts.create', ana, { mediaIds: [mediaId] });
    expect(created.status).toBe(200);
    const anonymous = await profile(null, ana);
    expect(anonymous.body.result?.data).toMatchObject({
      user: { id: ana.id, username: ana.username, isPrivate: false },
      counts: { followers: 0, following: 0, posts: 1 },
      relationship: null,
    });
    expect((await query('users.profile', null, { username: 'nobody_here' })).status).toBe(404);
  });

  it('refuses self-follows, unknown users, bad input and anonymous writes', async () => {
    const ana = await signUp('ana');
    const self = await follow(ana, ana);
    expect(self.status).toBe(400);
    expect(self.body.error?.data.appCode).toBe('VALIDATION_FAILED');
    expect((await mutate<unknown>('graph.block', ana, { userId: ana.id })).status).toBe(400);

    const ghost = { userId: '999999999999999999' };
    for (const path of ['graph.follow', 'graph.unfollow', 'graph.block', 'graph.mute', 'graph.requests.approve']) {
      const response = await mutate<unknown>(path, ana, ghost);
      expect(response.status, path).toBe(404);
      expect(response.body.error?.data.appCode, path).toBe('NOT_FOUND');
    }
    for (const path of ['graph.relationship', 'graph.followers', 'users.profile']) {
      expect((await query(path, ana, ghost)).status, path).toBe(404);
    }

    const both = await mutate<unknown>('graph.follow', ana, { userId: ana.id, username: ana.username });
    expect(both.status).toBe(400);
    expect((await mutate<unknown>('graph.follow', ana, {})).status).toBe(400);

    for (const path of ['graph.follow', 'graph.unfollow', 'graph.block', 'graph.unblock', 'graph.mute']) {
      const response = await mutate<unknown>(path, null, { userId: ana.id });
      expect(response.status, path).toBe(401);
      expect(response.body.error?.data.appCode, path).toBe('UNAUTHENTICATED');
    }
    for (const path of ['graph.requests.approve', 'graph.requests.reject']) {
      expect((await mutate<unknown>(path, null, { userId: ana.id })).status, path).toBe(401);
    }
    expect((await query('graph.relationship', null, { userId: ana.id })).status).toBe(401);
    expect((await query('graph.requests.list', null, {})).status).toBe(401);
    expect((await mutate('accounts.update', null, { isPrivate: true })).status).toBe(401);
  });
});
