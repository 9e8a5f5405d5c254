import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, sqliteDialect } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { callTrpc, manualClock } from '../support/server.js';
import { blankRequestIds, getTrpc, inputParam, startServerPair, type ServerPair } from '../support/trpc-pair.js';
import { signUp, type SignedUp } from '../support/users.js';

type Case = [
  name: string,
  pathAndQuery: () => string,
  token: () => string | undefined,
  status: number,
  codes: string[],
];

/** The `appCode`s of an answer's errors, in order: what each case is meant to exercise. */
const appCodes = (body: string) => [...body.matchAll(/"appCode":"([A-Z_]+)"/g)].map((m) => m[1]);

// GET queries take a lean path that must answer exactly as tRPC's own Fastify handler does,
// successes and failures alike. Two servers on one database — the default (lean) one and one with
// `leanQueries: false` — get the same requests, and their answers are compared byte for byte.
describe.each(DIALECTS)('the /trpc route on $name: lean answers against the stock handler', (dialect) => {
  let pair: ServerPair;
  let ana: SignedUp;
  let bo: SignedUp;

  beforeAll(async () => {
    pair = await startServerPair({ dialect });
    const url = pair.lean.url;
    ana = await signUp(url, 'leanana');
    bo = await signUp(url, 'leanbo');
    await callTrpc(url, 'graph.follow', { token: bo.token, input: { userId: ana.id } });
    for (let i = 0; i < 3; i++) {
      const mediaId = await insertReadyMedia(pair.lean.server.db.kysely, ana.id);
      await callTrpc(url, 'posts.create', { token: ana.token, input: { mediaIds: [mediaId], caption: `#lean ${i}` } });
    }
    await pair.lean.server.settle();
  });
  afterAll(async () => {
    await pair?.stop();
  });

  const leanCases: Case[] = [
    ['one query with input', () => `feed.home?${inputParam({ limit: 2 })}`, () => bo.token, 200, []],
    ['one query without input', () => 'accounts.me', () => ana.token, 200, []],
    [
      'a batch of successes',
      () =>
        `users.profile,feed.hashtag,posts.byUser?batch=1&${inputParam({ 0: { username: 'leanana' }, 1: { tag: 'lean' }, 2: { userId: ana.id } })}`,
      () => bo.token,
      200,
      [],
    ],
    ['a query needing no sign-in', () => `tags.trending?${inputParam({ limit: 5 })}`, () => undefined, 200, []],
    ['one query failing NOT_FOUND', () => `posts.get?${inputParam({ id: '1' })}`, () => bo.token, 404, ['NOT_FOUND']],
    [
      'one query failing UNAUTHENTICATED',
      () => `feed.home?${inputParam({})}`,
      () => undefined,
      401,
      ['UNAUTHENTICATED'],
    ],
    [
      'one query failing validation',
      () => `feed.home?${inputParam({ limit: 500 })}`,
      () => bo.token,
      400,
      ['VALIDATION_FAILED'],
    ],
    [
      'one query refusing hostile text',
      () => `users.profile?${inputParam({ username: 'a\u0000b' })}`,
      () => bo.token,
      400,
      ['VALIDATION_FAILED'],
    ],
    [
      'a batch mixing a success with NOT_FOUND, UNAUTHENTICATED and a validation error',
      () =>
        `tags.trending,posts.get,feed.home,tags.trending?batch=1&${inputParam({ 0: { limit: 1 }, 1: { id: '1' }, 3: { limit: 'many' } })}`,
      () => undefined,
      207,
      ['NOT_FOUND', 'UNAUTHENTICATED', 'VALIDATION_FAILED'],
    ],
    [
      'a signed-in batch with one failing call',
      () => `accounts.me,posts.get?batch=1&${inputParam({ 1: { id: '1' } })}`,
      () => bo.token,
      207,
      ['NOT_FOUND'],
    ],
    [
      'a batch whose calls all fail alike',
      () => `posts.get,posts.get?batch=1&${inputParam({ 0: { id: '1' }, 1: { id: '2' } })}`,
      () => bo.token,
      404,
      ['NOT_FOUND', 'NOT_FOUND'],
    ],
    ['a batch of one', () => `accounts.me?batch=1`, () => ana.token, 200, []],
  ];

  it.each(leanCases)('%s: the lean path answers, with tRPC’s status, headers and bytes', async (...args) => {
    const [, pathAndQuery, token, status, codes] = args;
    const lean = await getTrpc(pair.lean.url, pathAndQuery(), { token: token() });
    const stock = await getTrpc(pair.stockUrl, pathAndQuery(), { token: token() });
    expect(lean.status).toBe(status);
    expect(appCodes(lean.body)).toEqual(codes);
    expect({ ...lean, body: blankRequestIds(lean.body), contentLength: null }).toEqual({
      ...stock,
      body: blankRequestIds(stock.body),
    });
    // Only the lean path knows its body's length up front: it answered, not tRPC's handler.
    expect(lean.contentLength).toBe(String(Buffer.byteLength(lean.body)));
    expect(stock.contentLength).toBeNull();
  });

  const stockCases: [name: string, pathAndQuery: () => string, token: () => string | undefined, headers?: object][] = [
    ['unparseable input', () => 'feed.home?input=%7Bnope', () => bo.token],
    [
      'a batch input that is not an object',
      () => `accounts.me,tags.trending?batch=1&${inputParam([null, {}])}`,
      () => bo.token,
    ],
    ['an unknown procedure', () => 'feed.nothing', () => bo.token],
    ['a path naming an Object member', () => 'constructor', () => bo.token],
    ['a mutation asked for by GET', () => `graph.follow?${inputParam({ userId: ana.id })}`, () => bo.token],
    ['a batch mixing a query and a mutation', () => `accounts.me,graph.follow?batch=1`, () => bo.token],
    ['a JSON-lines batch', () => 'accounts.me?batch=1', () => bo.token, { 'trpc-accept': 'application/jsonl' }],
    [
      'a token in connectionParams (read by createContext from tRPC’s parse of it)',
      () => `accounts.me?connectionParams=${encodeURIComponent(JSON.stringify({ token: bo.token }))}`,
      () => undefined,
    ],
  ];

  it.each(stockCases)(
    '%s: handed to tRPC’s handler before anything runs',
    async (_name, pathAndQuery, token, headers) => {
      const options = { token: token(), ...(headers ? { headers: headers as Record<string, string> } : {}) };
      const lean = await getTrpc(pair.lean.url, pathAndQuery(), options);
      const stock = await getTrpc(pair.stockUrl, pathAndQuery(), options);
      expect({ ...lean, body: blankRequestIds(lean.body) }).toEqual({ ...stock, body: blankRequestIds(stock.body) });
      expect(lean.contentLength).toBeNull();
    },
  );
});

// A request refused by createContext (here: the per-address limit) fails every one of its calls
// before any runs; the lean path writes that answer itself too. Limits live in memory, not in the
// database, so one dialect is enough; a clock that never moves keeps `Retry-After` exact.
describe('the /trpc route: a rate-limited request, lean against stock', () => {
  let pair: ServerPair;

  beforeAll(async () => {
    pair = await startServerPair({
      dialect: sqliteDialect,
      clock: manualClock(),
      env: { APERTURE_RATE_LIMIT_ANON_PER_MIN: '2' },
    });
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it('answers 429 with the same Retry-After and bytes, for one query and for a batch', async () => {
    const trending = `tags.trending?${inputParam({ limit: 1 })}`;
    const batch = `tags.trending,tags.trending?batch=1&${inputParam({ 0: { limit: 1 }, 1: { limit: 1 } })}`;
    const answer = async (base: string) => {
      expect((await getTrpc(base, batch)).status).toBe(200); // spends the two calls a minute allows
      return { one: await getTrpc(base, trending), batch: await getTrpc(base, batch) };
    };
    const lean = await answer(pair.lean.url);
    const stock = await answer(pair.stockUrl);
    for (const [kind, retryAfter] of [
      ['one', '30'],
      ['batch', '60'],
    ] as const) {
      expect(lean[kind].status).toBe(429);
      expect(lean[kind].retryAfter).toBe(retryAfter);
      expect(appCodes(lean[kind].body)).toEqual(kind === 'one' ? ['RATE_LIMITED'] : ['RATE_LIMITED', 'RATE_LIMITED']);
      expect({ ...lean[kind], body: blankRequestIds(lean[kind].body), contentLength: null }).toEqual({
        ...stock[kind],
        body: blankRequestIds(stock[kind].body),
      });
      expect(lean[kind].contentLength).not.toBeNull();
    }
  });
});
