import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { readHomeFeed } from '../support/feed.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

/**
 * The home feed as a property: after a random sequence of follows (to public and private
 * accounts), approvals, unfollows, blocks, mutes, posts (public and followers-only, some by
 * "celebrities" — the threshold is 2 followers here, so authors cross it both ways), deletes and
 * visibility changes, every user's feed, read page by page, equals the model: their own posts and
 * those of the accounts they actively follow, minus muted and blocked authors and deleted posts,
 * newest first, with no duplicates across pages.
 */
const USERS = 4;
const user = fc.integer({ min: 0, max: USERS - 1 });
type Op =
  | { kind: 'follow' | 'unfollow' | 'approve' | 'block' | 'mute' | 'unmute'; a: number; b: number }
  | { kind: 'post'; a: number; followersOnly: boolean }
  | { kind: 'delete'; n: number }
  | { kind: 'flip'; n: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('follow' as const), a: user, b: user }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'unfollow' as const,
        'approve' as const,
        'block' as const,
        'mute' as const,
        'unmute' as const,
      ),
      a: user,
      b: user,
    }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('post' as const), a: user, followersOnly: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), n: fc.nat({ max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flip' as const), n: fc.nat({ max: 30 }) }) },
);

interface ModelPost {
  id: string;
  author: number;
  deleted: boolean;
}

describe.each(DIALECTS)('home feed property on $name', (dialect) => {
  let t: TestServer;
  let round = 0;

  beforeAll(async () => {
    t = await startTestServer({ dialect, env: { APERTURE_CELEBRITY_FOLLOWERS: '2' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  // Worlds of up to 50 actions and 60 one-item pages per user: longer than the default timeout.
  it('every feed equals the model, page by page, without duplicates', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: USERS, maxLength: USERS }),
        // A starting graph, so that some authors start above the celebrity threshold.
        fc.array(fc.boolean(), { minLength: USERS * USERS, maxLength: USERS * USERS }),
        fc.array(opArb, { minLength: 10, maxLength: 40 }),
        async (privacy, initial, ops) => {
          round += 1;
          const users: SignedUp[] = [];
          for (let i = 0; i < USERS; i++) {
            const u = await signUp(t.url, `f${round}_${i}`);
            if (privacy[i]) await callTrpc(t.url, 'accounts.update', { token: u.token, input: { isPrivate: true } });
            // A fresh timeline, as an active user has: reads use it (a stale one would be pulled).
            await t.server.services.feed.rebuild(u.id);
            users.push(u);
          }
          const follows = new Map<string, 'active' | 'pending'>();
          const blocks = new Set<string>();
          const mutes = new Set<string>();
          const posts: ModelPost[] = [];
          const call = (who: number, path: string, input: unknown) =>
            callTrpc(t.url, path, { token: users[who]!.token, input });

          const allOps: Op[] = [
            ...initial.flatMap((on, i): Op[] =>
              on ? [{ kind: 'follow', a: Math.floor(i / USERS), b: i % USERS }] : [],
            ),
            ...ops,
          ];
          for (const op of allOps) {
            if (op.kind === 'post') {
              const mediaId = await insertReadyMedia(t.server.db.kysely, users[op.a]!.id);
              const made = await call(op.a, 'posts.create', {
                mediaIds: [mediaId],
                visibility: op.followersOnly ? 'followers' : 'public',
              });
              posts.push({ id: (made.body.result!.data as { id: string }).id, author: op.a, deleted: false });
            } else if (op.kind === 'delete' || op.kind === 'flip') {
              const target = posts[op.n % Math.max(1, posts.length)];
              if (!target) continue;
              if (op.kind === 'delete') {
                await call(target.author, 'posts.delete', { id: target.id });
                target.deleted = true;
              } else {
                const current = await call(target.author, 'posts.get', { id: target.id });
                const visibility = (current.body.result?.data as { visibility?: string } | undefined)?.visibility;
                if (visibility) {
                  await call(target.author, 'posts.update', {
                    id: target.id,
                    visibility: visibility === 'public' ? 'followers' : 'public',
                  });
                }
              }
            } else {
              const { a, b } = op;
              if (a === b) continue;
              const pair = `${a}>${b}`;
              const blocked = blocks.has(`${a}>${b}`) || blocks.has(`${b}>${a}`);
              const response = await call(
                op.kind === 'approve' ? b : a,
                op.kind === 'approve' ? 'graph.requests.approve' : `graph.${op.kind}`,
                {
                  userId: users[op.kind === 'approve' ? a : b]!.id,
                },
              );
              if (op.kind === 'follow' && !blocked && response.status === 200) {
                const state = (response.body.result!.data as { state: 'active' | 'pending' }).state;
                follows.set(pair, state);
              } else if (op.kind === 'unfollow') follows.delete(pair);
              else if (op.kind === 'approve' && follows.get(pair) === 'pending') follows.set(pair, 'active');
              else if (op.kind === 'block') {
                blocks.add(pair);
                follows.delete(pair);
                follows.delete(`${b}>${a}`);
              } else if (op.kind === 'mute') mutes.add(pair);
              else if (op.kind === 'unmute') mutes.delete(pair);
            }
          }
          await t.server.background.dispatcher.drain();

          for (const [v, viewer] of users.entries()) {
            const expected = posts
              .filter((p) => !p.deleted)
              .filter(
                (p) =>
                  p.author === v || (follows.get(`${v}>${p.author}`) === 'active' && !mutes.has(`${v}>${p.author}`)),
              )
              .map((p) => p.id)
              .sort((x, y) => (BigInt(y) > BigInt(x) ? 1 : -1));
            const seen = await readHomeFeed(t.url, viewer.token, { limit: 1 });
            expect(new Set(seen).size, `duplicates in ${v}'s feed`).toBe(seen.length);
            expect(seen, `feed of ${v} after ${JSON.stringify({ privacy, initial, ops })}`).toEqual(expected);
          }
        },
      ),
      { numRuns: 10 },
    );
  });
});
