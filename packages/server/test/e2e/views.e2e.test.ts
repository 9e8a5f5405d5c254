import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, loadConfig, type Config } from '../../src/index.js';
import type { Db } from '../../src/db/connect.js';
import { DIALECTS } from '../support/databases.js';
import { signUp as signUpUser, type SignedUp } from '../support/users.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { insertPostRow } from '../support/post-rows.js';

interface Insights {
  views: number;
  likes: number;
  comments: number;
}

let nextPost = 0;

/** Posts are inserted directly: views need only the row, not the photos. */
async function insertPost(db: Db, authorId: string, visibility: 'public' | 'followers' = 'public'): Promise<string> {
  const id = String(910_000_000_000_000_000n + BigInt(++nextPost));
  return insertPostRow(db.kysely, { id, author_id: authorId, visibility });
}

async function storedViews(db: Db, postId: string): Promise<number> {
  const row = await db.kysely
    .selectFrom('posts')
    .select('view_count')
    .where('id', '=', postId)
    .executeTakeFirstOrThrow();
  return row.view_count;
}

describe.each(DIALECTS)('post views on $name', (dialect) => {
  let t: TestServer;
  let ana: SignedUp;
  let ben: SignedUp;
  let cat: SignedUp;

  const view = (user: SignedUp | null, id: string) =>
    callTrpc<{ counted: boolean }>(t.url, 'views.record', { input: { id }, ...(user ? { token: user.token } : {}) });
  const insights = (user: SignedUp, id: string) =>
    callTrpc<Insights>(t.url, 'views.insights', { type: 'query', input: { id }, token: user.token });

  beforeAll(async () => {
    // A flush only when the test asks for one, so counts in memory can be told from stored ones.
    t = await startTestServer({ dialect, env: { APERTURE_VIEW_FLUSH_SECONDS: '3600' } });
    [ana, ben, cat] = await Promise.all([signUpUser(t.url, 'ana'), signUpUser(t.url, 'ben'), signUpUser(t.url, 'cat')]);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('counts many concurrent views exactly, once per viewer within the window', async () => {
    const postId = await insertPost(t.server.db, ana.id);
    const viewers = await Promise.all(Array.from({ length: 12 }, (_, i) => signUpUser(t.url, `viewer${i}`)));
    // Each viewer three times at once, plus one anonymous view: 13 distinct viewers.
    const responses = await Promise.all([
      ...viewers.flatMap((v) => [view(v, postId), view(v, postId), view(v, postId)]),
      view(null, postId),
    ]);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(responses.filter((r) => r.body.result?.data.counted).length).toBe(13);
    expect(await storedViews(t.server.db, postId)).toBe(0);
    // Unflushed views already show in insights.
    expect((await insights(ana, postId)).body.result?.data.views).toBe(13);

    await t.server.background.viewCounter.flush();
    expect(await storedViews(t.server.db, postId)).toBe(13);
    expect((await insights(ana, postId)).body.result?.data.views).toBe(13);
  });

  it('writes many posts in one flush', async () => {
    const postIds = await Promise.all(Array.from({ length: 30 }, () => insertPost(t.server.db, ana.id)));
    await Promise.all(postIds.map((id) => view(ben, id)));
    await t.server.background.viewCounter.flush();
    const rows = await t.server.db.kysely
      .selectFrom('posts')
      .select(['id', 'view_count'])
      .where('id', 'in', postIds)
      .execute();
    expect(rows.map((r) => r.view_count)).toEqual(postIds.map(() => 1));
  });

  it('counts nothing for a viewer who may not see the post', async () => {
    const postId = await insertPost(t.server.db, ana.id, 'followers');
    const asStranger = await view(cat, postId);
    const anonymous = await view(null, postId);
    expect(asStranger.status).toBe(404);
    expect(anonymous.status).toBe(404);
    expect((await view(null, '123456789')).status).toBe(404);
    await t.server.background.viewCounter.flush();
    expect(await storedViews(t.server.db, postId)).toBe(0);
    expect((await insights(ana, postId)).body.result?.data.views).toBe(0);
  });

  it('shows insights to the author only', async () => {
    const publicPost = await insertPost(t.server.db, ana.id);
    const hiddenPost = await insertPost(t.server.db, ana.id, 'followers');
    expect((await callTrpc(t.url, 'likes.like', { input: { postId: publicPost }, token: ben.token })).status).toBe(200);
    const comment = await callTrpc(t.url, 'comments.create', {
      input: { postId: publicPost, body: 'nice' },
      token: cat.token,
    });
    expect(comment.status).toBe(200);
    await view(ben, publicPost);

    expect((await insights(ana, publicPost)).body.result?.data).toEqual({ views: 1, likes: 1, comments: 1 });
    // Someone who can see the post: FORBIDDEN; someone who cannot: the same NOT_FOUND as a missing post.
    expect((await insights(ben, publicPost)).status).toBe(403);
    expect((await insights(ben, hiddenPost)).status).toBe(404);
    expect((await insights(ben, '123456789')).status).toBe(404);
    const anonymous = await callTrpc(t.url, 'views.insights', { type: 'query', input: { id: publicPost } });
    expect(anonymous.status).toBe(401);
  });
});

describe.each(DIALECTS)('views across a restart on $name', (dialect) => {
  it('writes views on its own every interval', async () => {
    const t = await startTestServer({ dialect, env: { APERTURE_VIEW_FLUSH_SECONDS: '0.05' } });
    try {
      const ana = await signUpUser(t.url, 'ana');
      const postId = await insertPost(t.server.db, ana.id);
      expect((await callTrpc(t.url, 'views.record', { input: { id: postId }, token: ana.token })).status).toBe(200);
      await expect.poll(() => storedViews(t.server.db, postId), { timeout: 5_000 }).toBe(1);
    } finally {
      await t.stop();
    }
  });

  it('writes pending views when the server stops', async () => {
    const database = await dialect.create({ migrate: false });
    const dataDir = await mkdtemp(join(tmpdir(), 'aperture-views-'));
    try {
      const config: Config = {
        ...loadConfig({
          APERTURE_DATA_DIR: dataDir,
          APERTURE_PORT: '0',
          APERTURE_LOG_LEVEL: 'silent',
          // No periodic flush during the test: only stopping writes the views.
          APERTURE_VIEW_FLUSH_SECONDS: '3600',
        }),
        database: database.config,
      };
      const first = await createServer(config);
      const url = await first.start();
      const ana = await signUpUser(url, 'ana');
      const postId = await insertPost(first.db, ana.id);
      const views = await Promise.all(
        Array.from({ length: 5 }, () => callTrpc(url, 'views.record', { input: { id: postId } })),
      );
      expect(views.every((r) => r.status === 200)).toBe(true);
      await first.stop();

      const second = await createServer(config);
      try {
        // Anonymous views from one address count once within the window.
        expect(await storedViews(second.db, postId)).toBe(1);
      } finally {
        await second.stop();
      }
    } finally {
      await database.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
