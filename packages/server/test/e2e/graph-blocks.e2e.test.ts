import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recountCounters } from '../../src/modules/admin/recount.js';
import { DIALECTS } from '../support/databases.js';
import { signUp as signUpUser } from '../support/users.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';

interface User {
  id: string;
  token: string;
  username: string;
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
  counts: { followers: number; following: number; posts: number };
}

describe.each(DIALECTS)('graph: blocks and mutes on $name', (dialect) => {
  let t: TestServer;
  let n = 0;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const signUp = (prefix: string): Promise<User> => signUpUser(t.url, `${prefix}${++n}`);
  const mutate = <T = unknown>(path: string, by: User, whom: User) =>
    callTrpc<T>(t.url, path, { token: by.token, input: { userId: whom.id } });
  const query = <T = unknown>(path: string, by: User | null, input: unknown) =>
    callTrpc<T>(t.url, path, { type: 'query', input, ...(by ? { token: by.token } : {}) });
  const follow = async (by: User, whom: User) =>
    (await mutate<{ state: string }>('graph.follow', by, whom)).body.result?.data.state;
  const relationship = (by: User, whom: User) => query<Relationship>('graph.relationship', by, { userId: whom.id });
  const counts = async (whom: User) =>
    (await query<Profile>('users.profile', null, { userId: whom.id })).body.result!.data.counts;
  const listed = async (path: string, by: User | null, whose: User) =>
    (await query<Page<{ id: string }>>(path, by, { userId: whose.id })).body.result?.data.items.map((u) => u.id);
  const pendingTo = async (whom: User) =>
    (await query<Page<{ user: { id: string } }>>('graph.requests.list', whom, {})).body.result!.data.items.map(
      (r) => r.user.id,
    );

  it('block removes follows both ways and hides each from the other; unblock restores nothing', async () => {
    const ana = await signUp('ana');
    const ben = await signUp('ben');
    expect(await follow(ana, ben)).toBe('active');
    expect(await follow(ben, ana)).toBe('active');
    expect(await counts(ana)).toEqual({ followers: 1, following: 1, posts: 0 });

    expect((await mutate('graph.block', ana, ben)).body.result?.data).toEqual({ ok: true });
    expect(await counts(ana)).toMatchObject({ followers: 0, following: 0 });
    expect(await counts(ben)).toMatchObject({ followers: 0, following: 0 });

    // The blocker sees the block; the blocked user is told nothing, only not-found.
    const seen = await relationship(ana, ben);
    expect(seen.body.result?.data).toEqual({
      following: 'none',
      followedBy: 'none',
      blocking: true,
      blockedBy: false,
      muting: false,
    });
    const hidden = await relationship(ben, ana);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error?.data.appCode).toBe('NOT_FOUND');

    for (const [by, whom] of [
      [ana, ben],
      [ben, ana],
    ] as const) {
      expect((await query('users.profile', by, { userId: whom.id })).status).toBe(404);
      expect((await query('users.profile', by, { username: whom.username })).status).toBe(404);
      expect((await query('graph.followers', by, { userId: whom.id })).status).toBe(404);
      expect((await query('graph.following', by, { userId: whom.id })).status).toBe(404);
      const refused = await mutate('graph.follow', by, whom);
      expect(refused.status).toBe(404);
      expect(refused.body.error?.data.appCode).toBe('NOT_FOUND');
    }
    // Strangers still see both.
    expect((await query('users.profile', null, { userId: ben.id })).status).toBe(200);

    // Blocking again changes nothing.
    expect((await mutate('graph.block', ana, ben)).status).toBe(200);
    expect(await counts(ana)).toMatchObject({ followers: 0, following: 0 });

    expect((await mutate('graph.unblock', ana, ben)).body.result?.data).toEqual({ ok: true });
    expect((await mutate('graph.unblock', ana, ben)).status).toBe(200);
    expect((await relationship(ben, ana)).body.result?.data).toMatchObject({ following: 'none', followedBy: 'none' });
    expect((await relationship(ana, ben)).body.result?.data).toMatchObject({ blocking: false });
    expect((await query('users.profile', ben, { userId: ana.id })).status).toBe(200);
    expect(await counts(ana)).toMatchObject({ followers: 0, following: 0 });
    expect(await follow(ben, ana)).toBe('active');
  });

  it('block removes pending requests both ways', async () => {
    const ana = await signUp('ana');
    const ben = await signUp('ben');
    for (const who of [ana, ben]) {
      await callTrpc(t.url, 'accounts.update', { token: who.token, input: { isPrivate: true } });
    }
    expect(await follow(ana, ben)).toBe('pending');
    expect(await follow(ben, ana)).toBe('pending');
    expect(await pendingTo(ana)).toEqual([ben.id]);
    expect(await pendingTo(ben)).toEqual([ana.id]);

    await mutate('graph.block', ben, ana);
    expect(await pendingTo(ana)).toEqual([]);
    expect(await pendingTo(ben)).toEqual([]);
    expect((await mutate('graph.requests.approve', ben, ana)).status).toBe(404);
    await mutate('graph.unblock', ben, ana);
    expect((await relationship(ana, ben)).body.result?.data).toMatchObject({ following: 'none', followedBy: 'none' });
  });

  it("leaves users blocked either way with the viewer out of third parties' lists", async () => {
    const hub = await signUp('hub');
    const viewer = await signUp('vie');
    const blocked = await signUp('blk');
    const blocker = await signUp('bkr');
    const plain = await signUp('pln');
    for (const who of [viewer, blocked, blocker, plain]) await follow(who, hub);
    for (const whom of [blocked, blocker, plain]) await follow(hub, whom);
    await mutate('graph.block', viewer, blocked);
    await mutate('graph.block', blocker, viewer);

    expect(await listed('graph.followers', viewer, hub)).toEqual([plain.id, viewer.id]);
    expect(await listed('graph.following', viewer, hub)).toEqual([plain.id]);
    // Others still see everyone.
    expect(await listed('graph.followers', null, hub)).toEqual([plain.id, blocker.id, blocked.id, viewer.id]);
    expect(await listed('graph.followers', plain, hub)).toHaveLength(4);
    expect(await counts(hub)).toMatchObject({ followers: 4, following: 3 });
  });

  it('blocking someone who blocked you works, and each unblock lifts only its own block', async () => {
    const ana = await signUp('ana');
    const ben = await signUp('ben');
    await mutate('graph.block', ben, ana);
    expect((await mutate('graph.block', ana, ben)).status).toBe(200);
    expect((await relationship(ana, ben)).body.result?.data).toMatchObject({ blocking: true, blockedBy: false });
    await mutate('graph.unblock', ana, ben);
    expect((await relationship(ana, ben)).status).toBe(404);
    expect((await relationship(ben, ana)).body.result?.data).toMatchObject({ blocking: true });
  });

  it('mute changes nothing but the mute flag', async () => {
    const ana = await signUp('ana');
    const ben = await signUp('ben');
    await follow(ana, ben);
    await follow(ben, ana);
    expect((await mutate('graph.mute', ana, ben)).body.result?.data).toEqual({ ok: true });
    expect((await mutate('graph.mute', ana, ben)).status).toBe(200);
    expect((await relationship(ana, ben)).body.result?.data).toEqual({
      following: 'active',
      followedBy: 'active',
      blocking: false,
      blockedBy: false,
      muting: true,
    });
    // Muting is private to the muter.
    expect((await relationship(ben, ana)).body.result?.data).toMatchObject({ muting: false, following: 'active' });
    expect(await counts(ben)).toMatchObject({ followers: 1, following: 1 });
    expect(await listed('graph.followers', ana, ben)).toEqual([ana.id]);
    expect((await query('users.profile', ana, { userId: ben.id })).status).toBe(200);

    expect((await mutate('graph.unmute', ana, ben)).body.result?.data).toEqual({ ok: true });
    expect((await mutate('graph.unmute', ana, ben)).status).toBe(200);
    expect((await relationship(ana, ben)).body.result?.data).toMatchObject({ muting: false, following: 'active' });
  });

  it('keeps counters exact under concurrent follows, unfollows and blocks', async () => {
    const star = await signUp('star');
    const fans = await Promise.all([0, 1, 2, 3, 4, 5].map(() => signUp('fan')));
    // Every fan follows three times at once; half then unfollow while the star blocks one.
    const states = await Promise.all(fans.flatMap((fan) => [follow(fan, star), follow(fan, star), follow(fan, star)]));
    // Racing follows of one pair all succeed (none trips over the unique index).
    expect(states).toEqual(Array.from({ length: fans.length * 3 }, () => 'active'));
    expect(await counts(star)).toMatchObject({ followers: fans.length });
    await Promise.all([
      ...fans.slice(0, 3).flatMap((fan) => [mutate('graph.unfollow', fan, star), mutate('graph.unfollow', fan, star)]),
      mutate('graph.block', star, fans[5]!),
      mutate('graph.block', star, fans[5]!),
      follow(fans[5]!, star),
    ]);
    expect(await counts(star)).toMatchObject({ followers: 2 });
    // The follows raced, so their order is whichever landed first: compare as sets.
    expect([...((await listed('graph.followers', star, star)) ?? [])].sort()).toEqual(
      [fans[3]!.id, fans[4]!.id].sort(),
    );
    const { fixed } = await recountCounters(t.server.db.kysely);
    expect(fixed['users.follower_count']).toBe(0);
    expect(fixed['users.following_count']).toBe(0);
  });
});
