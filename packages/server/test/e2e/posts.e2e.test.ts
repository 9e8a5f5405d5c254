import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivativeKey, originalKey } from '../../src/modules/media/keys.js';
import { photo } from '../fixtures/images.js';
import { DIALECTS, sqliteDialect } from '../support/databases.js';
import { uploadReady } from '../support/media.js';
import { registerUser } from '../support/users.js';
import { callTrpc, manualClock, startTestServer, type TestServer } from '../support/server.js';

interface PostView {
  id: string;
  author: { id: string; username: string };
  caption: string;
  visibility: string;
  media: { id: string; urls: Record<string, { webp: string; jpg: string }> }[];
  likeCount: number;
  viewerHasLiked: boolean;
}

let seed = 0;
const newPhoto = () => photo({ width: 320 + (seed++ % 50), height: 240 });

describe.each(DIALECTS)('posts on $name', (dialect) => {
  const clock = manualClock();
  let t: TestServer;
  let ana: string;
  let ben: string;
  let anaId: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect, clock });
    ana = await registerUser(t.url, 'ana');
    ben = await registerUser(t.url, 'ben');
    anaId = (await callTrpc<{ id: string }>(t.url, 'accounts.me', { type: 'query', token: ana })).body.result!.data.id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  const create = (token: string, input: Record<string, unknown>) =>
    callTrpc<PostView>(t.url, 'posts.create', { token, input });

  it('creates a carousel post, reads it back, lists it on the grid, counts it', async () => {
    const mediaIds = [await uploadReady(t.url, ana, await newPhoto()), await uploadReady(t.url, ana, await newPhoto())];
    const created = await create(ana, {
      mediaIds,
      caption: 'Two from the harbour #sea',
      location: { name: 'Porto', lat: 41.14, lng: -8.61 },
    });
    expect(created.status).toBe(200);
    const post = created.body.result!.data;
    expect(post).toMatchObject({ caption: 'Two from the harbour #sea', visibility: 'public', likeCount: 0 });
    expect(post.media.map((m) => m.id)).toEqual(mediaIds);
    // A public post's photos are public: plain, immutable URLs.
    const url = post.media[0]!.urls.w320!.webp;
    expect(url).not.toContain('sig=');
    const served = await fetch(url);
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const asBen = await callTrpc<PostView>(t.url, 'posts.get', { type: 'query', token: ben, input: { id: post.id } });
    expect(asBen.body.result?.data.id).toBe(post.id);
    const anonymous = await callTrpc<PostView>(t.url, 'posts.get', { type: 'query', input: { id: post.id } });
    expect(anonymous.status).toBe(200);
    const grid = await callTrpc<{ items: PostView[] }>(t.url, 'posts.byUser', {
      type: 'query',
      input: { username: 'ana' },
    });
    expect(grid.body.result?.data.items.map((p) => p.id)).toContain(post.id);
    const me = await callTrpc<{ id: string }>(t.url, 'accounts.me', { type: 'query', token: ana });
    const row = await t.server.db.kysely
      .selectFrom('users')
      .select('post_count')
      .where('id', '=', me.body.result!.data.id)
      .executeTakeFirstOrThrow();
    expect(row.post_count).toBeGreaterThanOrEqual(1);
  });

  it('refuses media that is not ready, not yours, or too many', async () => {
    const mine = await uploadReady(t.url, ana, await newPhoto());
    const foreign = await create(ben, { mediaIds: [mine] });
    expect(foreign.status).toBe(404);
    const eleven = await create(ana, { mediaIds: Array.from({ length: 11 }, (_, i) => String(i + 1)) });
    expect(eleven.body.error?.data.appCode).toBe('VALIDATION_FAILED');
    const long = await create(ana, { mediaIds: [mine], caption: 'x'.repeat(2_201) });
    expect(long.body.error?.data.issues).toEqual([expect.objectContaining({ path: ['caption'] })]);
  });

  it('answers concurrent retries with one idempotency key with one post', async () => {
    const mediaIds = [await uploadReady(t.url, ana, await newPhoto())];
    const input = { mediaIds, caption: 'once', idempotencyKey: `key-${dialect.name}` };
    const responses = await Promise.all(Array.from({ length: 20 }, () => create(ana, input)));
    const ids = new Set(responses.map((r) => r.body.result?.data.id));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(ids.size).toBe(1);
    const count = await t.server.db.kysely
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('caption', '=', 'once')
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
    const reused = await create(ana, { ...input, caption: 'different' });
    expect(reused.status).toBe(409);
    expect(reused.body.error?.data.appCode).toBe('CONFLICT');
  });

  it('keeps followers-only posts and their photos from non-followers', async () => {
    const mediaIds = [await uploadReady(t.url, ana, await newPhoto())];
    const post = (await create(ana, { mediaIds, visibility: 'followers' })).body.result!.data;
    const url = post.media[0]!.urls.thumb!.jpg;
    expect(url).toContain('sig=');
    const plain = url.split('?')[0]!;
    expect((await callTrpc(t.url, 'posts.get', { type: 'query', token: ben, input: { id: post.id } })).status).toBe(
      404,
    );
    expect((await fetch(plain, { headers: { authorization: `Bearer ${ben}` } })).status).toBe(404);
    const owner = await fetch(plain, { headers: { authorization: `Bearer ${ana}` } });
    expect(owner.status).toBe(200);
    expect(owner.headers.get('cache-control')).toBe('private, max-age=3600');
    const grid = await callTrpc<{ items: PostView[] }>(t.url, 'posts.byUser', {
      type: 'query',
      token: ben,
      input: { userId: anaId },
    });
    expect(grid.body.result?.data.items.map((p) => p.id)).not.toContain(post.id);

    // Making it public applies everywhere at once, media included.
    await callTrpc(t.url, 'posts.update', { token: ana, input: { id: post.id, visibility: 'public' } });
    expect((await callTrpc(t.url, 'posts.get', { type: 'query', token: ben, input: { id: post.id } })).status).toBe(
      200,
    );
    expect((await fetch(plain)).status).toBe(200);
    const edit = await callTrpc(t.url, 'posts.update', { token: ben, input: { id: post.id, caption: 'mine now' } });
    expect(edit.status).toBe(403);
  });

  it('deletes at once, cleans up after, and keeps photos another post still uses', async () => {
    const shared = await uploadReady(t.url, ana, await newPhoto());
    const only = await uploadReady(t.url, ana, await newPhoto());
    const doomed = (await create(ana, { mediaIds: [shared, only], caption: 'doomed' })).body.result!.data;
    const keeper = (await create(ana, { mediaIds: [shared], caption: 'keeper' })).body.result!.data;
    expect((await callTrpc(t.url, 'posts.delete', { token: ben, input: { id: doomed.id } })).status).toBe(403);
    expect((await callTrpc(t.url, 'posts.delete', { token: ana, input: { id: doomed.id } })).status).toBe(200);
    expect((await callTrpc(t.url, 'posts.delete', { token: ana, input: { id: doomed.id } })).status).toBe(200);
    expect((await callTrpc(t.url, 'posts.get', { type: 'query', token: ana, input: { id: doomed.id } })).status).toBe(
      404,
    );

    await t.server.background.postCleanup.run();
    clock.advance(25 * 3_600_000);
    await t.server.background.mediaSweeper.sweep();
    expect(await t.server.blobs.head(derivativeKey(only, 'w320', 'webp'))).toBeNull();
    expect(await t.server.blobs.head(originalKey(only))).toBeNull();
    expect(await t.server.blobs.head(derivativeKey(shared, 'w320', 'webp'))).not.toBeNull();
    expect((await callTrpc(t.url, 'posts.get', { type: 'query', input: { id: keeper.id } })).status).toBe(200);
  });
});

describe('post deletion cleanup on the S3 store', () => {
  it('removes the bytes of photos no post uses any more after the retention window', async () => {
    const clock = manualClock();
    const t = await startTestServer({ dialect: sqliteDialect, media: 's3', clock });
    try {
      const token = await registerUser(t.url, 'cleaner');
      const mediaId = await uploadReady(t.url, token, await newPhoto());
      const post = (await callTrpc<PostView>(t.url, 'posts.create', { token, input: { mediaIds: [mediaId] } })).body
        .result!.data;
      await callTrpc(t.url, 'posts.delete', { token, input: { id: post.id } });
      await t.server.background.postCleanup.run();
      await t.server.background.mediaSweeper.sweep();
      // Still inside the retention window: the bytes are kept.
      expect(await t.server.blobs.head(derivativeKey(mediaId, 'thumb', 'webp'))).not.toBeNull();
      clock.advance(25 * 3_600_000);
      await t.server.background.mediaSweeper.sweep();
      expect(await t.server.blobs.head(derivativeKey(mediaId, 'thumb', 'webp'))).toBeNull();
    } finally {
      await t.stop();
    }
  });
});
