import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recountCounters } from '../../src/modules/admin/recount.js';
import { photo } from '../fixtures/images.js';
import { DIALECTS } from '../support/databases.js';
import { uploadReady } from '../support/media.js';
import { registerUser } from '../support/users.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';

/**
 * Counters as a property: after any sequence of follows, unfollows, blocks, likes, unlikes,
 * comments, replies and deletions — each through the real API, refused ones included — every
 * stored counter equals a recount of its rows (the recount finds nothing to fix).
 */
type Op =
  | { kind: 'follow' | 'unfollow' | 'block'; actor: number; target: number }
  | { kind: 'like' | 'unlike' | 'comment'; actor: number; post: number }
  | { kind: 'reply'; actor: number; comment: number }
  | { kind: 'deleteComment'; actor: number; comment: number }
  | { kind: 'deletePost'; post: number };

const USERS = 3;
const POSTS = 3;
const user = fc.integer({ min: 0, max: USERS - 1 });
const post = fc.integer({ min: 0, max: POSTS - 1 });
const comment = fc.nat({ max: 20 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('follow' as const, 'unfollow' as const, 'block' as const),
    actor: user,
    target: user,
  }),
  fc.record({ kind: fc.constantFrom('like' as const, 'unlike' as const, 'comment' as const), actor: user, post }),
  fc.record({ kind: fc.constant('reply' as const), actor: user, comment }),
  fc.record({ kind: fc.constant('deleteComment' as const), actor: user, comment }),
  fc.record({ kind: fc.constant('deletePost' as const), post }),
);

describe.each(DIALECTS)('counters property on $name', (dialect) => {
  let t: TestServer;
  let round = 0;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('every counter equals a recount after a random sequence of social actions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 30 }), async (ops) => {
        round += 1;
        const tokens: string[] = [];
        const ids: string[] = [];
        for (let i = 0; i < USERS; i++) {
          const token = await registerUser(t.url, `c${round}_${i}`);
          tokens.push(token);
          ids.push(
            (await callTrpc<{ id: string }>(t.url, 'accounts.me', { type: 'query', token })).body.result!.data.id,
          );
        }
        const posts: string[] = [];
        for (let i = 0; i < POSTS; i++) {
          const author = i % USERS;
          const mediaId = await uploadReady(
            t.url,
            tokens[author]!,
            await photo({ width: 200 + round, height: 100 + i }),
          );
          const created = await callTrpc<{ id: string }>(t.url, 'posts.create', {
            token: tokens[author],
            input: { mediaIds: [mediaId] },
          });
          posts.push(created.body.result!.data.id);
        }
        const comments: string[] = [];
        for (const op of ops) {
          switch (op.kind) {
            case 'follow':
            case 'unfollow':
            case 'block':
              await callTrpc(t.url, `graph.${op.kind}`, { token: tokens[op.actor], input: { userId: ids[op.target] } });
              break;
            case 'like':
            case 'unlike':
              await callTrpc(t.url, `likes.${op.kind}`, { token: tokens[op.actor], input: { postId: posts[op.post] } });
              break;
            case 'comment': {
              const made = await callTrpc<{ id: string }>(t.url, 'comments.create', {
                token: tokens[op.actor],
                input: { postId: posts[op.post], body: 'nice' },
              });
              if (made.body.result) comments.push(made.body.result.data.id);
              break;
            }
            case 'reply': {
              const parent = comments[op.comment % Math.max(1, comments.length)];
              if (!parent) break;
              const row = await t.server.db.kysely
                .selectFrom('comments')
                .select('post_id')
                .where('id', '=', parent)
                .executeTakeFirst();
              const made = await callTrpc<{ id: string }>(t.url, 'comments.create', {
                token: tokens[op.actor],
                input: { postId: row?.post_id, body: 'agreed', parentId: parent },
              });
              if (made.body.result) comments.push(made.body.result.data.id);
              break;
            }
            case 'deleteComment': {
              const target = comments[op.comment % Math.max(1, comments.length)];
              if (target)
                await callTrpc(t.url, 'comments.delete', { token: tokens[op.actor], input: { commentId: target } });
              break;
            }
            case 'deletePost':
              await callTrpc(t.url, 'posts.delete', { token: tokens[op.post % USERS], input: { id: posts[op.post] } });
              break;
          }
        }
        await t.server.background.postCleanup.run();
        const { fixed } = await recountCounters(t.server.db.kysely);
        expect(fixed, `after ${JSON.stringify(ops)}`).toEqual(
          Object.fromEntries(Object.keys(fixed).map((k) => [k, 0])),
        );
      }),
      { numRuns: 8 },
    );
  });
});
