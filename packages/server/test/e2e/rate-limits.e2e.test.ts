import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, sqliteDialect } from '../support/databases.js';
import { callTrpc, manualClock, startTestServer, type TestServer, type TrpcResponse } from '../support/server.js';
import { registerUser } from '../support/users.js';

const PASSWORD = 'correct horse battery';

/** Empty values count as unset: the server runs with the production defaults. */
const DEFAULT_LIMITS = { APERTURE_RATE_LIMIT_PASSWORD_PER_MIN: '', APERTURE_RATE_LIMIT_ANON_PER_MIN: '' };

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
async function serve(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const t = await startTestServer(options);
  servers.push(t);
  return t;
}

/** `count` calls of `path` in one request, as the SDK batches them (GET for queries). */
async function batch(
  url: string,
  path: string,
  count: number,
  input: unknown,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const paths = Array.from({ length: count }, () => path).join(',');
  const inputs = JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [i, input])));
  const response =
    options.method === 'POST'
      ? await fetch(`${url}/trpc/${paths}?batch=1`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: inputs,
        })
      : await fetch(`${url}/trpc/${paths}?batch=1&input=${encodeURIComponent(inputs)}`, { headers: options.headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** An anonymous query, from `forwardedFor` if given. */
async function anonymousRead(url: string, forwardedFor?: string): Promise<TrpcResponse> {
  const response = await fetch(`${url}/trpc/tags.trending?input=${encodeURIComponent('{"limit":1}')}`, {
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as TrpcResponse['body'] };
}

function expectRateLimited(response: { status: number; headers: Headers; body: unknown }, retryAfter: number): void {
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBe(String(retryAfter));
  const body = response.body as TrpcResponse['body'] | TrpcResponse['body'][];
  const first = Array.isArray(body) ? body[0] : body;
  expect(first?.error?.data).toMatchObject({ appCode: 'RATE_LIMITED', retryAfter });
}

describe.each(DIALECTS)('per-address limits with the default settings, on $name', (dialect) => {
  it('allows 30 sign-ins and registrations a minute from one address, then one every 2 s', async () => {
    const clock = manualClock();
    const t = await serve({ dialect, clock, env: DEFAULT_LIMITS });
    await registerUser(t.url, 'regular');
    // 29 more in three batches of at most 10: every call counts, not every request.
    for (const count of [10, 10, 9]) {
      const signIns = await batch(
        t.url,
        'accounts.login',
        count,
        { username: 'regular', password: PASSWORD },
        { method: 'POST' },
      );
      expect(signIns.status).toBe(200);
    }
    const refused = await callTrpc(t.url, 'accounts.login', { input: { username: 'regular', password: PASSWORD } });
    expectRateLimited(refused, 2);
    expect(refused.body.error?.message).toMatch(/sign-in attempts from your address/);
    // Registration shares the bucket: it hashes a password too.
    const registration = await callTrpc(t.url, 'accounts.register', {
      input: { username: 'another', email: 'another@example.com', password: PASSWORD },
    });
    expect(registration.status).toBe(429);

    clock.advance(2_000);
    const later = await callTrpc(t.url, 'accounts.login', { input: { username: 'regular', password: PASSWORD } });
    expect(later.status).toBe(200);
    expect(
      (await callTrpc(t.url, 'accounts.login', { input: { username: 'regular', password: PASSWORD } })).status,
    ).toBe(429);
    // Anonymous reads have their own bucket, still full.
    expect((await anonymousRead(t.url)).status).toBe(200);
  });

  it('allows 300 calls a minute without a session from one address, counted per call; a session is not limited', async () => {
    const clock = manualClock();
    const t = await serve({ dialect, clock, env: DEFAULT_LIMITS });
    const token = await registerUser(t.url, 'member');
    for (let i = 0; i < 30; i++) {
      const page = await batch(t.url, 'tags.trending', 10, { limit: 1 });
      expect(page.status).toBe(200);
    }
    const refused = await anonymousRead(t.url);
    expectRateLimited(refused, 1);
    expect(refused.body.error?.message).toMatch(/without signing in/);
    // Calls to procedures that need a session count too when made without one.
    expect((await callTrpc(t.url, 'accounts.me', { type: 'query' })).status).toBe(429);
    // An unknown token is no session.
    expect((await callTrpc(t.url, 'accounts.me', { type: 'query', token: `apt_${'x'.repeat(43)}` })).status).toBe(429);

    const signedIn = await batch(
      t.url,
      'tags.trending',
      10,
      { limit: 1 },
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(signedIn.status).toBe(200);
    // Signing in is a password call: its own bucket, still open.
    expect(
      (await callTrpc(t.url, 'accounts.login', { input: { username: 'member', password: PASSWORD } })).status,
    ).toBe(200);
    clock.advance(1_000);
    expect((await anonymousRead(t.url)).status).toBe(200);
  });
});

// A manual clock that is never moved: buckets refill only when a test says so.
describe('per-address limits', () => {
  it('take the address from X-Forwarded-For when APERTURE_TRUST_PROXY is on', async () => {
    const t = await serve({
      dialect: sqliteDialect,
      clock: manualClock(),
      env: { APERTURE_TRUST_PROXY: 'true', APERTURE_RATE_LIMIT_ANON_PER_MIN: '3' },
    });
    for (let i = 0; i < 3; i++) expect((await anonymousRead(t.url, '203.0.113.7')).status).toBe(200);
    expectRateLimited(await anonymousRead(t.url, '203.0.113.7'), 20);
    // Another client behind the same proxy has a bucket of its own.
    expect((await anonymousRead(t.url, '203.0.113.8')).status).toBe(200);
    // The proxy appends the address it saw to what the client sent: that last entry decides, not
    // whatever the client wrote before it.
    expect((await anonymousRead(t.url, '198.51.100.1, 203.0.113.7')).status).toBe(429);
    // An IPv6 client is limited by its /64: another address of the same network shares the bucket.
    for (let i = 0; i < 3; i++) expect((await anonymousRead(t.url, `2001:db8:1:2::${i + 1}`)).status).toBe(200);
    expect((await anonymousRead(t.url, '2001:db8:1:2:ffff::9')).status).toBe(429);
    expect((await anonymousRead(t.url, '2001:db8:1:3::1')).status).toBe(200);
  });

  it('believe as many proxies as APERTURE_TRUST_PROXY counts', async () => {
    const t = await serve({
      dialect: sqliteDialect,
      clock: manualClock(),
      env: { APERTURE_TRUST_PROXY: '2', APERTURE_RATE_LIMIT_ANON_PER_MIN: '1' },
    });
    // client → CDN (appends the client) → nginx (appends the CDN's edge) → Aperture.
    expect((await anonymousRead(t.url, 'spoofed-1, 203.0.113.7, 10.0.0.1')).status).toBe(200);
    expect((await anonymousRead(t.url, 'spoofed-2, 203.0.113.7, 10.0.0.2')).status).toBe(429);
    expect((await anonymousRead(t.url, '203.0.113.8, 10.0.0.1')).status).toBe(200);
  });

  it('ignore a spoofed X-Forwarded-For when APERTURE_TRUST_PROXY is off', async () => {
    const t = await serve({
      dialect: sqliteDialect,
      clock: manualClock(),
      env: { APERTURE_RATE_LIMIT_ANON_PER_MIN: '3' },
    });
    for (let i = 0; i < 3; i++) expect((await anonymousRead(t.url, `203.0.113.${i}`)).status).toBe(200);
    expectRateLimited(await anonymousRead(t.url, '203.0.113.99'), 20);
  });

  it('give password calls a bucket of their own, also for a signed-in caller', async () => {
    const t = await serve({
      dialect: sqliteDialect,
      clock: manualClock(),
      env: { APERTURE_RATE_LIMIT_PASSWORD_PER_MIN: '2' },
    });
    const token = await registerUser(t.url, 'solo');
    const signIn = await callTrpc(t.url, 'accounts.login', {
      token,
      input: { username: 'solo', password: PASSWORD },
    });
    expect(signIn.status).toBe(200);
    expectRateLimited(
      await callTrpc(t.url, 'accounts.login', { token, input: { username: 'solo', password: 'x'.repeat(12) } }),
      30,
    );
    expect((await anonymousRead(t.url)).status).toBe(200);
  });

  it('charge a request once, even when the lean query path hands it on to tRPC', async () => {
    const t = await serve({
      dialect: sqliteDialect,
      clock: manualClock(),
      env: { APERTURE_RATE_LIMIT_ANON_PER_MIN: '4' },
    });
    // A failing query is answered by tRPC's handler after the lean path tried it.
    for (let i = 0; i < 2; i++) {
      expect((await callTrpc(t.url, 'posts.get', { type: 'query', input: { id: '1' } })).status).toBe(404);
    }
    for (let i = 0; i < 2; i++) expect((await anonymousRead(t.url)).status).toBe(200);
    expectRateLimited(await anonymousRead(t.url), 15);
  });

  it('refuse a whole batch that does not fit, charging nothing', async () => {
    const t = await serve({
      dialect: sqliteDialect,
      clock: manualClock(),
      env: { APERTURE_RATE_LIMIT_ANON_PER_MIN: '12' },
    });
    expect((await batch(t.url, 'tags.trending', 10, { limit: 1 })).status).toBe(200);
    const refused = await batch(t.url, 'tags.trending', 3, { limit: 1 });
    expectRateLimited(refused, 5);
    expect(refused.body).toHaveLength(3);
    // Nothing was spent on the refused batch: the 2 calls left still pass.
    expect((await batch(t.url, 'tags.trending', 2, { limit: 1 })).status).toBe(200);
  });

  it('are off when set to 0', async () => {
    const t = await serve({
      dialect: sqliteDialect,
      env: { APERTURE_RATE_LIMIT_ANON_PER_MIN: '0', APERTURE_RATE_LIMIT_PASSWORD_PER_MIN: '0' },
    });
    for (let i = 0; i < 5; i++) expect((await batch(t.url, 'tags.trending', 10, { limit: 1 })).status).toBe(200);
  });
});
