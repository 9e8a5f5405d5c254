import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../src/index.js';
import { DIALECTS } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { callTrpc, manualClock, startTestServer, type TestServer, type TrpcResponse } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';
import { insertPostRow } from '../support/post-rows.js';

/** Every write limit off; each test turns on the ones it is about. */
const NO_WRITE_LIMITS = {
  APERTURE_WRITE_LIMITS: 'off',
  APERTURE_WRITE_LIMITS_NEW_ACCOUNT: 'off',
  APERTURE_WRITE_LIMITS_PER_ADDRESS: 'off',
  APERTURE_NEW_ACCOUNT_HOURS: '0',
};

const servers: TestServer[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
async function serve(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const t = await startTestServer({ ...options, env: { ...NO_WRITE_LIMITS, ...options.env } });
  servers.push(t);
  return t;
}

function expectRateLimited(response: TrpcResponse, retryAfter: number, whose: 'account' | 'address'): void {
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBe(String(retryAfter));
  expect(response.body.error?.data).toMatchObject({ appCode: 'RATE_LIMITED', retryAfter });
  expect(response.body.error?.message).toContain(`from your ${whose}`);
}

const insertPost = (t: TestServer, author: SignedUp, n: number): Promise<string> =>
  insertPostRow(t.server.db.kysely, { id: String(900_000_000_000_000_000n + BigInt(n)), author_id: author.id });

const like = (url: string, user: SignedUp, postId: string) =>
  callTrpc(url, 'likes.like', { token: user.token, input: { postId } });

describe.each(DIALECTS)('write limits on $name', (dialect) => {
  it('allow an account its hourly number at once, then one per share of the hour', async () => {
    const clock = manualClock();
    const t = await serve({ dialect, clock, env: { APERTURE_WRITE_LIMITS: 'likes=3' } });
    const [ana, ben] = [await signUp(t.url, 'ana'), await signUp(t.url, 'ben')];
    const posts = await Promise.all([1, 2, 3, 4, 5].map((n) => insertPost(t, ben, n)));
    for (const post of posts.slice(0, 3)) expect((await like(t.url, ana, post)).status).toBe(200);
    // 3 an hour: one more every 20 minutes.
    const refused = await like(t.url, ana, posts[3]!);
    expectRateLimited(refused, 1200, 'account');
    expect(refused.body.error?.message).toMatch(/Too many likes/);
    // Nothing of the refused call ran.
    const liked = await t.server.db.kysely
      .selectFrom('likes')
      .select('post_id')
      .where('user_id', '=', ana.id)
      .execute();
    expect(liked).toHaveLength(3);
    // Another account has its own budget.
    expect((await like(t.url, ben, posts[3]!)).status).toBe(200);

    clock.advance(1_199_000);
    expectRateLimited(await like(t.url, ana, posts[3]!), 1, 'account');
    clock.advance(1_000);
    expect((await like(t.url, ana, posts[3]!)).status).toBe(200);
    expect((await like(t.url, ana, posts[4]!)).status).toBe(429);
  });

  it('give back the charge of a write that failed, and count nothing refused', async () => {
    const clock = manualClock();
    const t = await serve({ dialect, clock, env: { APERTURE_WRITE_LIMITS: 'comments=2' } });
    const [ana, ben] = [await signUp(t.url, 'ana'), await signUp(t.url, 'ben')];
    const post = await insertPost(t, ben, 1);
    const comment = (postId: string, body: unknown = 'Lovely') =>
      callTrpc(t.url, 'comments.create', { token: ana.token, input: { postId, body } });
    // Not found, and invalid input: neither uses the budget.
    expect((await comment('12345')).status).toBe(404);
    expect((await comment(post, 42)).status).toBe(400);
    expect((await comment(post)).status).toBe(200);
    expect((await comment(post)).status).toBe(200);
    expectRateLimited(await comment(post), 1800, 'account');
    // A refused call does not push the wait further out.
    expectRateLimited(await comment(post), 1800, 'account');
  });

  it('give an account its new-account limits in its first hours', async () => {
    const clock = manualClock();
    const t = await serve({
      dialect,
      clock,
      env: {
        APERTURE_WRITE_LIMITS: 'follows=3',
        APERTURE_WRITE_LIMITS_NEW_ACCOUNT: 'follows=1',
        APERTURE_NEW_ACCOUNT_HOURS: '24',
      },
    });
    const fresh = await signUp(t.url, 'fresh');
    const others = await Promise.all(['oli', 'ola', 'ole', 'olu', 'oma'].map((name) => signUp(t.url, name)));
    const follow = (user: SignedUp, target: SignedUp) =>
      callTrpc(t.url, 'graph.follow', { token: user.token, input: { username: target.username } });
    expect((await follow(fresh, others[0]!)).status).toBe(200);
    expectRateLimited(await follow(fresh, others[1]!), 3600, 'account');

    clock.advance(24 * 3_600_000);
    for (const target of others.slice(1, 4)) expect((await follow(fresh, target)).status).toBe(200);
    expectRateLimited(await follow(fresh, others[4]!), 1200, 'account');
  });

  it('limit what every account together does from one address, and sign-ups per address', async () => {
    const clock = manualClock();
    const t = await serve({
      dialect,
      clock,
      env: { APERTURE_WRITE_LIMITS_PER_ADDRESS: 'likes=2,signups=3', APERTURE_WRITE_LIMITS: 'likes=100' },
    });
    const ana = await signUp(t.url, 'ana');
    const ben = await signUp(t.url, 'ben');
    // A registration that fails gives its charge back.
    const taken = await callTrpc(t.url, 'accounts.register', {
      input: { username: 'ana', email: 'other@example.com', password: 'correct horse battery' },
    });
    expect(taken.body.error?.data).toMatchObject({ appCode: 'USERNAME_TAKEN' });
    const cat = await signUp(t.url, 'cat');
    const refused = await callTrpc(t.url, 'accounts.register', {
      input: { username: 'dan', email: 'dan@example.com', password: 'correct horse battery' },
    });
    expectRateLimited(refused, 1200, 'address');
    expect(refused.body.error?.message).toMatch(/Too many sign-ups/);

    const posts = await Promise.all([1, 2, 3].map((n) => insertPost(t, cat, n)));
    expect((await like(t.url, ana, posts[0]!)).status).toBe(200);
    expect((await like(t.url, ben, posts[1]!)).status).toBe(200);
    expectRateLimited(await like(t.url, ana, posts[2]!), 1800, 'address');
    // The account's own bucket was not charged for the refused like: after the address refills,
    // ana has 99 left of 100, so the next like passes.
    clock.advance(1_800_000);
    expect((await like(t.url, ana, posts[2]!)).status).toBe(200);
  });

  it('count posts and upload starts', async () => {
    const clock = manualClock();
    const t = await serve({ dialect, clock, env: { APERTURE_WRITE_LIMITS: 'posts=1,uploads=1' } });
    const ana = await signUp(t.url, 'ana');
    const media = [
      await insertReadyMedia(t.server.db.kysely, ana.id),
      await insertReadyMedia(t.server.db.kysely, ana.id),
    ];
    const post = (mediaId: string) =>
      callTrpc(t.url, 'posts.create', { token: ana.token, input: { mediaIds: [mediaId], caption: 'hi' } });
    expect((await post(media[0]!)).status).toBe(200);
    expectRateLimited(await post(media[1]!), 3600, 'account');
    const upload = (n: number) =>
      callTrpc(t.url, 'media.createUpload', {
        token: ana.token,
        input: { size: 1000, contentType: 'image/jpeg', sha256: String(n).repeat(64) },
      });
    expect((await upload(1)).status).toBe(200);
    expectRateLimited(await upload(2), 3600, 'account');
  });

  it('count reports', async () => {
    const clock = manualClock();
    const t = await serve({ dialect, clock, env: { APERTURE_WRITE_LIMITS: 'reports=1' } });
    const author = await signUp(t.url, 'author');
    const reporter = await signUp(t.url, 'reporter');
    const report = async (n: number) =>
      callTrpc(t.url, 'reports.create', {
        token: reporter.token,
        input: { target: { kind: 'post', id: await insertPost(t, author, n) }, reason: 'spam' },
      });
    expect((await report(1)).status).toBe(200);
    expectRateLimited(await report(2), 3600, 'account');
  });
});

describe.each(DIALECTS.filter((d) => d.name === 'postgres'))('write limits across processes on $name', (dialect) => {
  it('hold across two api processes sharing the database', async () => {
    const clock = manualClock();
    const t = await serve({ dialect, clock, env: { APERTURE_WRITE_LIMITS: 'likes=4' } });
    const second = await createServer({ ...t.config, role: 'api' }, { clock });
    const secondUrl = await second.start();
    stops.push(() => second.stop());
    const [ana, ben] = [await signUp(t.url, 'ana'), await signUp(t.url, 'ben')];
    const posts = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => insertPost(t, ben, n)));
    // Two at once on each process: the upsert decides, not a process's memory.
    const results = await Promise.all(posts.slice(0, 6).map((p, i) => like(i % 2 ? secondUrl : t.url, ana, p)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    expect(results.filter((r) => r.status === 429)).toHaveLength(2);
  });
});
