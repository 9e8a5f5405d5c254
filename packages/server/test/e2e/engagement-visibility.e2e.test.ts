import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { signUp as signUpUser } from '../support/users.js';
import { callTrpc, startTestServer, type TestServer, type TrpcResponse } from '../support/server.js';
import { insertPostRow } from '../support/post-rows.js';

interface User {
  name: string;
  id: string;
  token: string;
}

/** What a caller can tell from a refusal: it must not differ from a post that does not exist. */
const shape = (r: TrpcResponse) => ({
  status: r.status,
  appCode: r.body.error?.data.appCode,
  message: r.body.error?.message,
});

const MISSING_POST = '900000000000009999';
const MISSING_COMMENT = '900000000000009998';

describe.each(DIALECTS)('engagement follows the post visibility policy on $name', (dialect) => {
  let t: TestServer;
  let nextPost = 0;
  const users: Record<string, User> = {};

  const signUp = async (name: string): Promise<User> => {
    const { id, token } = await signUpUser(t.url, name);
    users[name] = { name, id, token };
    return users[name];
  };
  const now = () => new Date().toISOString();
  // The graph module's procedures are not part of this suite: follows, blocks and privacy are
  // written as rows, which is all the policy reads.
  const follow = (follower: User, followee: User, state: 'active' | 'pending' = 'active') =>
    t.server.db.kysely
      .insertInto('follows')
      .values({
        id: String(800_000_000_000_000_000n + BigInt(++nextPost)),
        follower_id: follower.id,
        followee_id: followee.id,
        state,
        created_at: now(),
        updated_at: now(),
      })
      .execute();
  const insertPost = async (author: User, visibility: 'public' | 'followers'): Promise<string> => {
    const id = String(900_000_000_000_000_000n + BigInt(++nextPost));
    return insertPostRow(t.server.db.kysely, { id, author_id: author.id, visibility });
  };
  const call = (path: string, user: User | null, input: unknown) =>
    callTrpc(t.url, path, {
      type: /\.(likers|list|replies)$/.test(path) ? 'query' : 'mutation',
      input,
      ...(user ? { token: user.token } : {}),
    });
  const comment = async (user: User, postId: string, body: string): Promise<string> => {
    const response = await callTrpc<{ id: string }>(t.url, 'comments.create', {
      token: user.token,
      input: { postId, body },
    });
    if (!response.body.result) throw new Error(`comment failed: ${JSON.stringify(response.body)}`);
    return response.body.result.data.id;
  };

  interface Scenario {
    postId: string;
    /** A comment on the post by its author (threads, replies, deletes by someone else). */
    authorComment: string;
    /** A comment on the post by a viewer who is now denied, written while they could see it. */
    ownComment?: { by: string; id: string };
    denied: string[];
    allowed: string[];
  }
  const scenarios: Record<string, Scenario> = {};

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    const names = ['ana', 'fan', 'outsider', 'asker', 'pia', 'pfan', 'bob', 'bex', 'nice', 'del'] as const;
    const cast = {} as Record<(typeof names)[number], User>;
    for (const name of names) cast[name] = await signUp(name);
    const { ana, fan, outsider, asker, pia, pfan, bob, bex, nice, del } = cast;

    // 1. A followers-only post of a public account.
    const followersOnly = await insertPost(ana, 'followers');
    await follow(fan, ana);
    await follow(asker, ana, 'pending');
    scenarios['followers-only post'] = {
      postId: followersOnly,
      authorComment: await comment(ana, followersOnly, 'for my followers'),
      denied: ['outsider', 'asker', 'anonymous'],
      allowed: ['fan', 'ana'],
    };

    // 2. A public post of a private account; `outsider` commented before it went private.
    const privatePublic = await insertPost(pia, 'public');
    const early = await comment(outsider, privatePublic, 'before it went private');
    await t.server.db.kysely.updateTable('users').set({ is_private: 1 }).where('id', '=', pia.id).execute();
    await follow(pfan, pia);
    await follow(asker, pia, 'pending');
    scenarios["private author's public post"] = {
      postId: privatePublic,
      authorComment: await comment(pia, privatePublic, 'hello friends'),
      ownComment: { by: 'outsider', id: early },
      denied: ['outsider', 'asker', 'anonymous'],
      allowed: ['pfan', 'pia'],
    };

    // 3. A blocked pair: bob blocked bex after she commented; nice is unrelated.
    const blockedPost = await insertPost(bob, 'public');
    const bexComment = await comment(bex, blockedPost, 'nice shot');
    await t.server.db.kysely
      .insertInto('blocks')
      .values({ blocker_id: bob.id, blocked_id: bex.id, created_at: now() })
      .execute();
    // And the other way: outsider blocked bob, so bob's post is gone for outsider too.
    await t.server.db.kysely
      .insertInto('blocks')
      .values({ blocker_id: outsider.id, blocked_id: bob.id, created_at: now() })
      .execute();
    scenarios['blocked pair'] = {
      postId: blockedPost,
      authorComment: await comment(bob, blockedPost, 'thanks all'),
      ownComment: { by: 'bex', id: bexComment },
      denied: ['bex', 'outsider'],
      allowed: ['nice', 'anonymous', 'bob'],
    };

    // 4. A deleted post: no one may see it, its author included.
    const deleted = await insertPost(del, 'public');
    const delComment = await comment(del, deleted, 'soon gone');
    const niceComment = await comment(nice, deleted, 'saw it');
    await t.server.db.kysely.updateTable('posts').set({ deleted_at: now() }).where('id', '=', deleted).execute();
    scenarios['deleted post'] = {
      postId: deleted,
      authorComment: delComment,
      ownComment: { by: 'nice', id: niceComment },
      denied: ['del', 'nice', 'anonymous'],
      allowed: [],
    };
  });
  afterAll(async () => {
    await t?.stop();
  });

  const viewer = (name: string): User | null => (name === 'anonymous' ? null : users[name]!);

  it('answers a post that does not exist with NOT_FOUND (the reference for refusals)', async () => {
    const missing = await call('likes.likers', users['fan']!, { postId: MISSING_POST });
    expect(shape(missing)).toEqual({ status: 404, appCode: 'NOT_FOUND', message: 'No such post.' });
    const missingComment = await call('comments.replies', users['fan']!, { commentId: MISSING_COMMENT });
    expect(shape(missingComment)).toEqual({ status: 404, appCode: 'NOT_FOUND', message: 'No such comment.' });
  });

  it.each(['followers-only post', "private author's public post", 'blocked pair', 'deleted post'])(
    '%s: every engagement procedure is NOT_FOUND for a viewer who may not see it',
    async (name) => {
      const s = scenarios[name]!;
      for (const who of s.denied) {
        const user = viewer(who);
        const missingPost = shape(await call('likes.likers', user, { postId: MISSING_POST }));
        const missingComment = shape(await call('comments.replies', user, { commentId: MISSING_COMMENT }));
        const byPost: [string, unknown][] = [
          ['likes.likers', { postId: s.postId }],
          ['comments.list', { postId: s.postId }],
        ];
        const byComment: [string, unknown][] = [['comments.replies', { commentId: s.authorComment }]];
        if (user) {
          byPost.push(
            ['likes.like', { postId: s.postId }],
            ['likes.like', { postId: s.postId, reaction: 'fire' }],
            ['likes.unlike', { postId: s.postId }],
            ['comments.create', { postId: s.postId, body: 'let me in' }],
            ['comments.create', { postId: s.postId, body: 'let me in', parentId: s.authorComment }],
          );
          byComment.push(['comments.delete', { commentId: s.authorComment }]);
          if (s.ownComment?.by === who) byComment.push(['comments.delete', { commentId: s.ownComment.id }]);
        }
        for (const [path, input] of byPost) {
          expect({ who, path, ...shape(await call(path, user, input)) }).toEqual({ who, path, ...missingPost });
        }
        for (const [path, input] of byComment) {
          expect({ who, path, ...shape(await call(path, user, input)) }).toEqual({ who, path, ...missingComment });
        }
      }
      // Nothing a denied viewer tried left a trace.
      const likes = await t.server.db.kysely.selectFrom('likes').select('id').where('post_id', '=', s.postId).execute();
      expect(likes).toEqual([]);
      const body = await t.server.db.kysely
        .selectFrom('comments')
        .select('id')
        .where('post_id', '=', s.postId)
        .where('body', '=', 'let me in')
        .execute();
      expect(body).toEqual([]);
    },
  );

  it.each(['followers-only post', "private author's public post", 'blocked pair'])(
    '%s: every engagement procedure works for a viewer who may see it',
    async (name) => {
      const s = scenarios[name]!;
      expect(s.allowed.length).toBeGreaterThan(0);
      for (const who of s.allowed) {
        const user = viewer(who);
        const ok = async (path: string, input: unknown) => {
          const response = await call(path, user, input);
          expect({ who, path, status: response.status }).toEqual({ who, path, status: 200 });
          return response.body.result!.data as Record<string, unknown>;
        };
        const likers = await ok('likes.likers', { postId: s.postId });
        expect(likers).toHaveProperty('items');
        const list = (await ok('comments.list', { postId: s.postId })) as { items: { id: string }[] };
        expect(list.items.map((c) => c.id)).toContain(s.authorComment);
        await ok('comments.replies', { commentId: s.authorComment });
        if (!user) continue;
        expect(await ok('likes.like', { postId: s.postId, reaction: 'wow' })).toMatchObject({ liked: true });
        expect(await ok('likes.unlike', { postId: s.postId })).toMatchObject({ liked: false });
        const mine = (await ok('comments.create', { postId: s.postId, body: `from ${who}` })) as { id: string };
        const reply = (await ok('comments.create', {
          postId: s.postId,
          body: 'a reply',
          parentId: s.authorComment,
        })) as { parentId: string };
        expect(reply.parentId).toBe(s.authorComment);
        expect(await ok('comments.delete', { commentId: mine.id })).toEqual({ ok: true });
      }
    },
  );
});
