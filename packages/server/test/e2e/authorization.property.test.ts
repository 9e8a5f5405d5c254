import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivativeKey } from '../../src/modules/media/keys.js';
import { contentEtag } from '../../src/modules/media/processor.js';
import { hashToken, newSessionToken } from '../../src/modules/accounts/tokens.js';
import { DIALECTS } from '../support/databases.js';
import { insertEdges } from '../support/graph-rows.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';

/**
 * Authorization as a property: in random small worlds (public and private users, active and pending
 * follows, blocks, public and followers-only posts, some deleted, hidden or sensitive, suspended
 * accounts, and users, moderators and admins), every surface that shows a post answers for each
 * (viewer, post) pair exactly what an independent model of the rules says, and only moderators and
 * admins get past the door of a moderation procedure.
 * Worlds are written straight into the database (fast); every check goes through real HTTP.
 *
 * Posts carry some of two hashtags. Their tag rows are written as the tags handler would, except
 * that some hidden posts keep a row still flagged public (the handler has not caught up with a
 * privacy change, or with a delete): hashtag surfaces must not trust the flag.
 */

type Role = 'user' | 'moderator' | 'admin';

interface World {
  users: { private: boolean; suspended: boolean; role: Role }[];
  follows: { from: number; to: number; pending: boolean }[];
  blocks: { from: number; to: number }[];
  posts: {
    author: number;
    followersOnly: boolean;
    deleted: boolean;
    hidden: boolean;
    sensitive: boolean;
    tags: number[];
    staleFlag: boolean;
  }[];
}

/** True about one time in `n`: moderation states are rare in a world, but tried in most runs. */
const rarely = (n: number) => fc.integer({ min: 0, max: n - 1 }).map((k) => k === 0);

/** The hashtags of a world: posts carry some of them. */
const TAG_COUNT = 2;

const worldArb: fc.Arbitrary<World> = fc
  .integer({ min: 2, max: 4 })
  .chain((n) => {
    const user = fc.integer({ min: 0, max: n - 1 });
    return fc.record({
      users: fc.array(
        fc.record({
          private: fc.boolean(),
          suspended: rarely(5),
          role: fc.constantFrom<Role>('user', 'user', 'moderator', 'admin'),
        }),
        { minLength: n, maxLength: n },
      ),
      follows: fc.uniqueArray(fc.record({ from: user, to: user, pending: fc.boolean() }), {
        maxLength: n * 2,
        selector: (f) => `${f.from}>${f.to}`,
      }),
      blocks: fc.uniqueArray(fc.record({ from: user, to: user }), {
        maxLength: 2,
        selector: (b) => `${b.from}>${b.to}`,
      }),
      posts: fc.array(
        fc.record({
          author: user,
          followersOnly: fc.boolean(),
          deleted: fc.boolean(),
          hidden: rarely(4),
          sensitive: fc.boolean(),
          tags: fc.subarray([...Array(TAG_COUNT).keys()]),
          staleFlag: fc.boolean(),
        }),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
    });
  })
  .map((w) => ({
    ...w,
    follows: w.follows.filter((f) => f.from !== f.to),
    blocks: w.blocks.filter((b) => b.from !== b.to),
  }));

/** The rules, restated independently of the server's code. `viewer` null is a signed-out visitor. */
function modelSeesPost(world: World, viewer: number | null, postIndex: number): boolean {
  const post = world.posts[postIndex]!;
  // A suspended author's posts are gone for everyone; a hidden post is its author's alone.
  if (post.deleted || world.users[post.author]!.suspended) return false;
  if (viewer === post.author) return true;
  if (post.hidden) return false;
  if (
    viewer !== null &&
    world.blocks.some((b) => (b.from === viewer && b.to === post.author) || (b.from === post.author && b.to === viewer))
  ) {
    return false;
  }
  const restricted = post.followersOnly || world.users[post.author]!.private;
  if (!restricted) return true;
  return viewer !== null && world.follows.some((f) => f.from === viewer && f.to === post.author && !f.pending);
}

/** Stand-in bytes of a video rendition: serving never looks inside a stored file. */
const CLIP = Buffer.from('stand-in bytes of a 720.mp4 rendition');

describe.each(DIALECTS)('authorization property on $name', (dialect) => {
  let t: TestServer;
  let thumb: Buffer;
  let run = 0;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    thumb = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#345' } })
      .webp()
      .toBuffer();
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function build(world: World) {
    run += 1;
    // Ids far above anything the server hands out, distinct per run.
    const base = 8_000_000_000_000_000_000n + BigInt(run) * 1_000n;
    const id = (offset: number) => String(base + BigInt(offset));
    const db = t.server.db.kysely;
    const now = new Date().toISOString();
    const userIds = world.users.map((_, i) => id(i));
    const tokens: string[] = [];
    for (const [i, u] of world.users.entries()) {
      const name = `p${run}_${i}`;
      await db
        .insertInto('users')
        .values({
          id: userIds[i]!,
          username: name,
          username_key: name,
          email: `${name}@example.com`,
          email_key: `${name}@example.com`,
          password_hash: 'x',
          display_name: name,
          bio: '',
          is_private: u.private ? 1 : 0,
          role: u.role,
          suspended_at: u.suspended ? now : null,
          created_at: now,
          updated_at: now,
          last_active_at: now,
        })
        .execute();
      const token = newSessionToken();
      tokens.push(token);
      await db
        .insertInto('sessions')
        .values({
          id: id(100 + i),
          user_id: userIds[i]!,
          token_hash: hashToken(token),
          user_agent: null,
          ip: null,
          created_at: now,
          last_used_at: now,
          expires_at: '2999-01-01T00:00:00.000Z',
          // Suspension revokes every session.
          revoked_at: u.suspended ? now : null,
        })
        .execute();
    }
    await insertEdges(db, userIds, world, { followId: (i) => id(200 + i), now });
    const postIds: string[] = [];
    const mediaIds: string[] = [];
    // A second apart, in id order, as the server would make them.
    const postTimes = world.posts.map((_, i) => new Date(Date.parse(now) + i * 1_000).toISOString());
    for (const [i, p] of world.posts.entries()) {
      const postId = id(300 + i);
      const mediaId = id(400 + i);
      postIds.push(postId);
      mediaIds.push(mediaId);
      const derivatives: Record<string, { width: number; height: number; size: number; etag: string }> = {};
      derivatives['thumb.webp'] = { width: 8, height: 8, size: thumb.length, etag: contentEtag(thumb) };
      // Every other post is a video: its rendition is under the same rule as its poster.
      const isVideo = i % 2 === 1;
      if (isVideo) derivatives['720.mp4'] = { width: 8, height: 8, size: CLIP.length, etag: contentEtag(CLIP) };
      await db
        .insertInto('media')
        .values({
          id: mediaId,
          owner_id: userIds[p.author]!,
          status: 'ready',
          failure_code: null,
          failure_reason: null,
          sha256: mediaId,
          size: thumb.length,
          content_type: isVideo ? 'video/mp4' : 'image/webp',
          filename: null,
          original_key: `originals/${mediaId}`,
          keep_location: 0,
          format: 'webp',
          width: 8,
          height: 8,
          thumbhash: null,
          dominant_color: null,
          exif: null,
          gps_lat: null,
          gps_lng: null,
          derivatives: JSON.stringify(derivatives),
          claimed_until: null,
          reprocess_requested_at: null,
          created_at: now,
          updated_at: now,
          ready_at: now,
          attached_at: now,
        })
        .execute();
      await t.server.blobs.put(derivativeKey(mediaId, 'thumb', 'webp'), thumb);
      if (isVideo) await t.server.blobs.put(derivativeKey(mediaId, '720', 'mp4'), CLIP);
      await db
        .insertInto('posts')
        .values({
          id: postId,
          author_id: userIds[p.author]!,
          caption: '',
          location_name: null,
          location_lat: null,
          location_lng: null,
          visibility: p.followersOnly ? 'followers' : 'public',
          created_at: postTimes[i]!,
          updated_at: now,
          deleted_at: p.deleted ? now : null,
          hidden_at: p.hidden ? now : null,
          cleaned_at: null,
          sensitive: p.sensitive ? 1 : 0,
        })
        .execute();
      await db.insertInto('post_media').values({ post_id: postId, media_id: mediaId, position: 0 }).execute();
    }
    const tagNames = Array.from({ length: TAG_COUNT }, (_, k) => `tag${run}x${'ab'[k]}`);
    for (const [k, name] of tagNames.entries()) {
      await db
        .insertInto('tags')
        .values({ id: id(500 + k), name, created_at: now })
        .execute();
    }
    for (const [i, p] of world.posts.entries()) {
      const publicNow = !p.followersOnly && !world.users[p.author]!.private;
      for (const k of p.tags) {
        await db
          .insertInto('post_tags')
          .values({
            post_id: postIds[i]!,
            tag_id: id(500 + k),
            author_id: userIds[p.author]!,
            created_at: postTimes[i]!,
            is_public: publicNow || p.staleFlag ? 1 : 0,
          })
          .execute();
      }
    }
    return { userIds, tokens, postIds, mediaIds, postTimes, tagNames };
  }

  /**
   * Every moderation procedure refuses a plain user (FORBIDDEN) and a signed-out caller
   * (UNAUTHENTICATED) whatever the input; moderators and admins get in (their answers here are
   * reads, or NOT_FOUND for targets that do not exist, so the world is left as it is), and only
   * admins reach `setRole`.
   */
  async function checkModerationDoor(
    world: World,
    viewer: number | null,
    token: string | undefined,
    userIds: string[],
    postIds: string[],
  ) {
    const role = viewer === null ? null : world.users[viewer]!.role;
    const missing = '9100000000000000001';
    const calls: { path: string; type: 'query' | 'mutation'; input: unknown; admin?: boolean; found: boolean }[] = [
      { path: 'moderation.queue', type: 'query', input: {}, found: true },
      { path: 'moderation.log', type: 'query', input: { targetUserId: userIds[0] }, found: true },
      { path: 'moderation.show', type: 'query', input: { target: { kind: 'post', id: postIds[0] } }, found: true },
      { path: 'moderation.held', type: 'query', input: {}, found: true },
      { path: 'moderation.releaseHold', type: 'mutation', input: { holdId: missing, reason: 'r' }, found: false },
      { path: 'moderation.hidePost', type: 'mutation', input: { id: missing, reason: 'r' }, found: false },
      { path: 'moderation.markSensitive', type: 'mutation', input: { id: missing, reason: 'r' }, found: false },
      { path: 'moderation.removeComment', type: 'mutation', input: { id: missing, reason: 'r' }, found: false },
      { path: 'moderation.suspend', type: 'mutation', input: { userId: missing, reason: 'r' }, found: false },
      { path: 'moderation.unsuspend', type: 'mutation', input: { userId: missing, reason: 'r' }, found: false },
      {
        path: 'moderation.dismiss',
        type: 'mutation',
        input: { target: { kind: 'post', id: missing }, reason: 'r' },
        found: false,
      },
      {
        path: 'moderation.setRole',
        type: 'mutation',
        input: { userId: missing, role: 'admin', reason: 'r' },
        admin: true,
        found: false,
      },
    ];
    for (const call of calls) {
      const res = await callTrpc(t.url, call.path, { type: call.type, token, input: call.input });
      const allowed = role === 'admin' || (role === 'moderator' && !call.admin);
      const expected = role === null ? 401 : !allowed ? 403 : call.found ? 200 : 404;
      expect(res.status, `${call.path} as ${role ?? 'signed out'}`).toBe(expected);
    }
  }

  it('every surface shows a post exactly to the viewers the rules allow', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const { userIds, tokens, postIds, mediaIds, postTimes, tagNames } = await build(world);
        // A suspended user has no session to look with: they are not among the viewers.
        const viewers: (number | null)[] = [null, ...world.users.flatMap((u, i) => (u.suspended ? [] : [i]))];
        for (const viewer of viewers) {
          const token = viewer === null ? undefined : tokens[viewer];
          const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
          await checkModerationDoor(world, viewer, token, userIds, postIds);
          for (const [p, post] of world.posts.entries()) {
            const expected = modelSeesPost(world, viewer, p);
            const who = `viewer ${viewer} / post ${p} in ${JSON.stringify(world)}`;
            const get = await callTrpc(t.url, 'posts.get', { type: 'query', token, input: { id: postIds[p] } });
            expect(get.status, `posts.get: ${who}`).toBe(expected ? 200 : 404);
            if (expected) {
              const view = (get.body.result?.data ?? {}) as { sensitive?: boolean };
              expect(view.sensitive, `posts.get sensitive: ${who}`).toBe(post.sensitive);
            }
            const grid = await callTrpc<{ items: { id: string }[] }>(t.url, 'posts.byUser', {
              type: 'query',
              token,
              input: { userId: userIds[post.author], limit: 100 },
            });
            const inGrid = grid.body.result?.data.items.some((item) => item.id === postIds[p]) ?? false;
            expect(inGrid, `posts.byUser: ${who}`).toBe(expected);
            const comments = await callTrpc(t.url, 'comments.list', {
              type: 'query',
              token,
              input: { postId: postIds[p] },
            });
            expect(comments.status, `comments.list: ${who}`).toBe(expected ? 200 : 404);
            const likers = await callTrpc(t.url, 'likes.likers', {
              type: 'query',
              token,
              input: { postId: postIds[p] },
            });
            expect(likers.status, `likes.likers: ${who}`).toBe(expected ? 200 : 404);
            // The photo: its owner always; anyone else exactly when they may see the post.
            const bytes = await fetch(`${t.url}/media/${mediaIds[p]}/thumb.webp`, { headers });
            expect(bytes.status, `media bytes: ${who}`).toBe(expected || viewer === post.author ? 200 : 404);
            if (p % 2 === 1) {
              const clip = await fetch(`${t.url}/media/${mediaIds[p]}/720.mp4`, { headers });
              expect(clip.status, `video rendition: ${who}`).toBe(expected || viewer === post.author ? 200 : 404);
            }
          }
          for (const [k, name] of tagNames.entries()) {
            // The posts carrying the tag that the model lets this viewer see, newest first.
            const seen = world.posts
              .map((post, p) => ({ post, p }))
              .filter(({ post, p }) => post.tags.includes(k) && modelSeesPost(world, viewer, p))
              .map(({ p }) => p)
              .reverse();
            const who = `viewer ${viewer} / #${name} in ${JSON.stringify(world)}`;
            const tag = await callTrpc(t.url, 'tags.get', { type: 'query', token, input: { name } });
            if (seen.length === 0) {
              expect(tag.status, `tags.get: ${who}`).toBe(404);
            } else {
              expect(tag.body.result?.data, `tags.get: ${who}`).toEqual({
                name,
                postCount: seen.length,
                postCountCapped: false,
                createdAt: postTimes[seen.at(-1)!],
              });
            }
            const page = await callTrpc<{ items: { id: string }[]; nextCursor: string | null }>(t.url, 'feed.hashtag', {
              type: 'query',
              token,
              input: { tag: name, limit: 50 },
            });
            expect(page.status, `feed.hashtag: ${who}`).toBe(200);
            expect(
              page.body.result?.data.items.map((item) => item.id),
              `feed.hashtag: ${who}`,
            ).toEqual(seen.map((p) => postIds[p]));
            expect(page.body.result?.data.nextCursor, `feed.hashtag: ${who}`).toBeNull();
          }
        }
      }),
      { numRuns: 20 },
    );
    // 20 worlds × every viewer × every post is a few thousand HTTP calls: ~20 s on a quiet 2-core
    // box, past the suite's 30 s default when the box is busy.
  }, 120_000);
});
