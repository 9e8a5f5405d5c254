import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { observedHasher, waitFor } from '../support/hashers.js';
import { callTrpc, startTestServer, type TestServer, type TrpcResponse } from '../support/server.js';
import { registerUser } from '../support/users.js';

const PASSWORD = 'correct horse battery';

// Each argon2id computation takes 19 MiB and tens of milliseconds of CPU. The server runs at most
// APERTURE_PASSWORD_HASH_CONCURRENCY at once with APERTURE_PASSWORD_HASH_QUEUE callers waiting;
// whoever comes after is refused at once. The injected hasher holds every computation at a latch,
// so what runs, waits and is refused does not depend on timing.
describe.each(DIALECTS)('password hashing under load on $name', (dialect) => {
  const hasher = observedHasher();
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({
      dialect,
      passwords: hasher,
      env: { APERTURE_PASSWORD_HASH_CONCURRENCY: '2', APERTURE_PASSWORD_HASH_QUEUE: '3' },
    });
    await registerUser(t.url, 'known');
  });
  afterAll(async () => {
    hasher.open();
    await t?.stop();
  });

  it('runs 2 at a time, queues 3 and refuses the rest at once with RATE_LIMITED', async () => {
    hasher.reset();
    hasher.latch();
    const signIn = (username: string) => () =>
      callTrpc(t.url, 'accounts.login', { input: { username, password: PASSWORD } });
    const register = (username: string) => () =>
      callTrpc(t.url, 'accounts.register', {
        input: { username, email: `${username}@example.com`, password: PASSWORD },
      });
    const calls = [
      ...[1, 2, 3].map(() => signIn('known')),
      ...[1, 2, 3].map((i) => signIn(`nobody${i}`)),
      ...[1, 2, 3, 4].map((i) => register(`newcomer${i}`)),
    ];
    const settled: TrpcResponse[] = [];
    const all = calls.map((call) =>
      call().then((response) => {
        settled.push(response);
        return response;
      }),
    );

    // 2 computing and 3 waiting: the other 5 are answered while the latch is still closed.
    await waitFor(() => settled.length >= 5 || hasher.maxInFlight > 2);
    expect(hasher.maxInFlight).toBeLessThanOrEqual(2);
    expect(settled).toHaveLength(5);
    expect(hasher.inFlight).toBe(2);
    for (const refused of settled) {
      expect(refused.status).toBe(429);
      expect(refused.body.error?.data).toMatchObject({ appCode: 'RATE_LIMITED', retryAfter: 1 });
      expect(refused.headers.get('retry-after')).toBe('1');
    }

    hasher.open();
    const responses = await Promise.all(all);
    expect(hasher.maxInFlight).toBe(2);
    const served = responses.filter((r) => r.status !== 429);
    expect(served).toHaveLength(5);
    // Signed in or registered (200), or an unknown name (401): the waiting ones were all served.
    for (const response of served) expect([200, 401]).toContain(response.status);
    expect(hasher.calls).toHaveLength(5);
  });

  it('gives a known and an unknown name one turn each: the same work, the same answer', async () => {
    hasher.reset();
    const wrong = await callTrpc(t.url, 'accounts.login', { input: { username: 'known', password: 'not it at all' } });
    const unknown = await callTrpc(t.url, 'accounts.login', { input: { username: 'nobody9', password: PASSWORD } });
    expect(hasher.calls).toEqual(['verify', 'verifyAgainstDummy']);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.error?.message).toBe(unknown.body.error?.message);
  });
});

// With no queue, a full house refuses the next caller whatever it asks for: registration, sign-in
// of a known name, and the dummy verification of an unknown one all take the same turns.
describe.each(DIALECTS)('every password computation takes a turn, on $name', (dialect) => {
  const hasher = observedHasher();
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({
      dialect,
      passwords: hasher,
      env: { APERTURE_PASSWORD_HASH_CONCURRENCY: '2', APERTURE_PASSWORD_HASH_QUEUE: '0' },
    });
    await registerUser(t.url, 'known');
  });
  afterAll(async () => {
    hasher.open();
    await t?.stop();
  });

  it('refuses register, login and unknown-user login while 2 hashes run', async () => {
    hasher.latch();
    const running = [1, 2].map((i) =>
      callTrpc(t.url, 'accounts.register', {
        input: { username: `holder${i}`, email: `holder${i}@example.com`, password: PASSWORD },
      }),
    );
    expect(await waitFor(() => hasher.inFlight === 2)).toBe(true);

    const refused = [
      await callTrpc(t.url, 'accounts.login', { input: { username: 'known', password: PASSWORD } }),
      await callTrpc(t.url, 'accounts.login', { input: { username: 'nobody', password: PASSWORD } }),
      await callTrpc(t.url, 'accounts.register', {
        input: { username: 'latecomer', email: 'latecomer@example.com', password: PASSWORD },
      }),
    ];
    expect(refused.map((r) => [r.status, r.body.error?.data['appCode']])).toEqual([
      [429, 'RATE_LIMITED'],
      [429, 'RATE_LIMITED'],
      [429, 'RATE_LIMITED'],
    ]);
    hasher.open();
    expect((await Promise.all(running)).map((r) => r.status)).toEqual([200, 200]);
    // The refused registration left no account behind: its name is free.
    const again = await callTrpc(t.url, 'accounts.register', {
      input: { username: 'latecomer', email: 'latecomer@example.com', password: PASSWORD },
    });
    expect(again.status).toBe(200);
  });
});
