import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ApertureServer } from '../../src/server.js';
import { sqliteDialect } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

// The lean path for GET queries must answer exactly as tRPC's stock adapter does. Two servers on
// one database — the default (lean) and one with `leanQueries: false` — get the same requests.
describe('the /trpc route: lean queries against the stock adapter', () => {
  let lean: TestServer;
  let stock: ApertureServer;
  let stockUrl: string;
  let ana: SignedUp;
  let bo: SignedUp;

  beforeAll(async () => {
    lean = await startTestServer({ dialect: sqliteDialect });
    stock = await createServer(lean.config, { leanQueries: false, backgroundWork: false });
    stockUrl = await stock.start();
    ana = await signUp(lean.url, 'leanana');
    bo = await signUp(lean.url, 'leanbo');
    await callTrpc(lean.url, 'graph.follow', { token: bo.token, input: { userId: ana.id } });
    for (let i = 0; i < 3; i++) {
      const mediaId = await insertReadyMedia(lean.server.db.kysely, ana.id);
      await callTrpc(lean.url, 'posts.create', {
        token: ana.token,
        input: { mediaIds: [mediaId], caption: `#lean ${i}` },
      });
    }
    await lean.server.settle();
  });
  afterAll(async () => {
    await stock?.stop();
    await lean?.stop();
  });

  const get = async (base: string, path: string, token?: string) => {
    const response = await fetch(
      `${base}/trpc/${path}`,
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      vary: response.headers.get('vary'),
      // The stock adapter streams its body (chunked); the lean path knows its length.
      length: response.headers.get('content-length'),
      body: await response.text(),
    };
  };
  const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;

  const cases: [string, () => string, () => string | undefined][] = [
    ['one query with input', () => `feed.home?${input({ limit: 2 })}`, () => bo.token],
    ['one query without input', () => 'accounts.me', () => ana.token],
    [
      'a batch of queries',
      () =>
        `users.profile,feed.hashtag,posts.byUser?batch=1&${input({ 0: { username: 'leanana' }, 1: { tag: 'lean' }, 2: { userId: ana.id } })}`,
      () => bo.token,
    ],
    ['a query needing no sign-in', () => `tags.trending?${input({ limit: 5 })}`, () => undefined],
  ];

  it.each(cases)('%s: same status, headers and bytes, and the lean path answered', async (_name, path, token) => {
    const [fast, slow] = [await get(lean.url, path(), token()), await get(stockUrl, path(), token())];
    expect(fast.status).toBe(200);
    expect({ ...fast, length: undefined }).toEqual({ ...slow, length: undefined });
    expect(fast.length).toBe(String(Buffer.byteLength(fast.body)));
    expect(slow.length).toBeNull();
  });

  const fallbacks: [string, () => string, () => string | undefined][] = [
    ['a failing query (not signed in)', () => `feed.home?${input({})}`, () => undefined],
    ['invalid input', () => `feed.home?${input({ limit: 500 })}`, () => bo.token],
    ['unparseable input', () => 'feed.home?input=%7Bnope', () => bo.token],
    ['an unknown procedure', () => 'feed.nothing', () => bo.token],
    ['a path naming an Object member', () => 'constructor', () => bo.token],
    [
      'a batch with one failing call',
      () => `accounts.me,posts.get?batch=1&${input({ 1: { id: '1' } })}`,
      () => bo.token,
    ],
  ];

  it.each(fallbacks)('%s: answered by tRPC itself, as the stock adapter does', async (_name, path, token) => {
    const [fast, slow] = [await get(lean.url, path(), token()), await get(stockUrl, path(), token())];
    expect(fast.status).not.toBe(200); // 4xx, or 207 for a batch with some failures
    const withoutRequestIds = (body: string) => body.replace(/"requestId":"[^"]+"/g, '"requestId":"…"');
    expect({ ...fast, body: withoutRequestIds(fast.body) }).toEqual({ ...slow, body: withoutRequestIds(slow.body) });
  });
});
