import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { callTrpc, manualClock, startTestServer, type TestServer } from '../support/server.js';

interface Auth {
  token: string;
  user: { id: string; username: string; email: string };
  session: { id: string; current: boolean };
}

/** Nothing a client sees may hint at internals: stacks, SQL, file paths. */
function expectNoInternals(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/stack|\bat .+\.(js|ts):\d+|select |insert into|sqlite|postgres|node_modules|\/tmp\//i);
}

const METRICS_TOKEN = 'metrics-token-for-accounts-tests';

describe.each(DIALECTS)('accounts over HTTP on $name', (dialect) => {
  const clock = manualClock();
  let t: TestServer;
  let url: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect, clock, env: { APERTURE_METRICS_TOKEN: METRICS_TOKEN } });
    url = t.url;
  });
  afterAll(async () => {
    await t?.stop();
  });

  const register = (username: string, email = `${username}@example.com`, password = 'correct horse battery') =>
    callTrpc<Auth>(url, 'accounts.register', { input: { username, email, password } });

  it('registers, reads me, lists sessions, logs out', async () => {
    const created = await register('Ana_Lima');
    expect(created.status).toBe(200);
    const auth = created.body.result!.data;
    expect(auth.token).toMatch(/^apt_[A-Za-z0-9_-]{43}$/);
    expect(auth.user).toMatchObject({ username: 'ana_lima', email: 'Ana_Lima@example.com' });
    expect(auth.user.id).toMatch(/^\d+$/);
    expect(auth.session.current).toBe(true);

    const me = await callTrpc<Auth['user']>(url, 'accounts.me', { type: 'query', token: auth.token });
    expect(me.body.result?.data).toMatchObject({ id: auth.user.id, username: 'ana_lima', displayName: 'ana_lima' });

    const login = await callTrpc<Auth>(url, 'accounts.login', {
      input: { username: 'ANA_LIMA@example.com', password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);
    const second = login.body.result!.data.token;
    expect(second).not.toBe(auth.token);

    const sessions = await callTrpc<{ id: string; current: boolean }[]>(url, 'accounts.sessions', {
      type: 'query',
      token: second,
    });
    expect(sessions.body.result?.data).toHaveLength(2);
    expect(sessions.body.result?.data.filter((s) => s.current)).toHaveLength(1);

    const logout = await callTrpc(url, 'accounts.logout', { token: auth.token });
    expect(logout.body.result?.data).toEqual({ ok: true });
    const after = await callTrpc(url, 'accounts.me', { type: 'query', token: auth.token });
    expect(after.status).toBe(401);
    expect(after.body.error?.data.appCode).toBe('UNAUTHENTICATED');
    // The other session is untouched.
    const still = await callTrpc(url, 'accounts.me', { type: 'query', token: second });
    expect(still.status).toBe(200);
  });

  it('updates the profile and revokes only own sessions', async () => {
    const ben = (await register('ben')).body.result!.data;
    const cy = (await register('cyd')).body.result!.data;
    const updated = await callTrpc<{ displayName: string; bio: string }>(url, 'accounts.updateProfile', {
      token: ben.token,
      input: { displayName: 'Ben B.', bio: 'film only' },
    });
    expect(updated.body.result?.data).toMatchObject({ displayName: 'Ben B.', bio: 'film only' });

    const foreign = await callTrpc(url, 'accounts.revokeSession', {
      token: ben.token,
      input: { sessionId: cy.session.id },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error?.data.appCode).toBe('NOT_FOUND');
    expect((await callTrpc(url, 'accounts.me', { type: 'query', token: cy.token })).status).toBe(200);

    const own = await callTrpc(url, 'accounts.revokeSession', { token: cy.token, input: { sessionId: cy.session.id } });
    expect(own.status).toBe(200);
    expect((await callTrpc(url, 'accounts.me', { type: 'query', token: cy.token })).status).toBe(401);
  });

  it('answers bad input with the documented codes and stays up', async () => {
    const short = await register('dora', 'dora@example.com', 'short');
    expect(short.status).toBe(400);
    expect(short.body.error?.data).toMatchObject({ appCode: 'VALIDATION_FAILED', httpStatus: 400 });
    expect(short.body.error?.data.issues).toEqual([expect.objectContaining({ path: ['password'] })]);

    const badName = await register('no way!', 'x@example.com');
    expect(badName.body.error?.data.appCode).toBe('VALIDATION_FAILED');
    expect(badName.body.error?.data.issues).toEqual([expect.objectContaining({ path: ['username'] })]);

    expect((await register('eve')).status).toBe(200);
    const dupName = await register('EVE', 'other@example.com');
    expect(dupName.status).toBe(409);
    expect(dupName.body.error?.data.appCode).toBe('USERNAME_TAKEN');
    const dupEmail = await register('eve2', 'Eve@Example.com');
    expect(dupEmail.status).toBe(409);
    expect(dupEmail.body.error?.data.appCode).toBe('EMAIL_TAKEN');

    const malformed = await callTrpc(url, 'accounts.register', { rawBody: '{"username": "x", ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error?.data.appCode).toBe('MALFORMED_REQUEST');

    const wrongToken = await callTrpc(url, 'accounts.me', { type: 'query', token: `apt_${'x'.repeat(43)}` });
    expect(wrongToken.status).toBe(401);
    expect(wrongToken.body.error?.data.appCode).toBe('UNAUTHENTICATED');
    const garbageToken = await callTrpc(url, 'accounts.me', { type: 'query', token: 'garbage' });
    expect(garbageToken.body.error?.data.appCode).toBe('UNAUTHENTICATED');

    const unknown = await callTrpc(url, 'accounts.nope', { type: 'query' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.data.appCode).toBe('NOT_FOUND');

    const wrongMethod = await callTrpc(url, 'accounts.register', { type: 'query', input: {} });
    expect(wrongMethod.status).toBe(405);

    for (const response of [short, badName, dupName, dupEmail, malformed, wrongToken, unknown, wrongMethod]) {
      expectNoInternals(response.body);
    }
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('hides whether an account exists and backs off repeated failures', async () => {
    expect((await register('fay')).status).toBe(200);
    const wrong = await callTrpc(url, 'accounts.login', { input: { username: 'fay', password: 'not the password' } });
    const unknown = await callTrpc(url, 'accounts.login', {
      input: { username: 'ghost', password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error?.message).toBe(unknown.body.error?.message);
    expect(wrong.body.error?.data.appCode).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.error?.data.appCode).toBe('INVALID_CREDENTIALS');

    // Five failures in all are free; the sixth locks the name for 1 s, doubling from there.
    for (const name of ['fay', 'ghost']) {
      for (let i = 1; i < 5; i++) {
        await callTrpc(url, 'accounts.login', { input: { username: name, password: 'not the password' } });
      }
      const locked = await callTrpc(url, 'accounts.login', { input: { username: name, password: 'whatever it is' } });
      expect(locked.status).toBe(429);
      expect(locked.body.error?.data).toMatchObject({ appCode: 'RATE_LIMITED', retryAfter: 1 });
      expect(locked.headers.get('retry-after')).toBe('1');
    }
    // Even the right password is refused while locked...
    const refused = await callTrpc(url, 'accounts.login', {
      input: { username: 'fay', password: 'correct horse battery' },
    });
    expect(refused.status).toBe(429);
    // ...and accepted once the lock has passed, which also clears the failures.
    clock.advance(1_500);
    const ok = await callTrpc(url, 'accounts.login', { input: { username: 'fay', password: 'correct horse battery' } });
    expect(ok.status).toBe(200);
    const again = await callTrpc(url, 'accounts.login', { input: { username: 'fay', password: 'not the password' } });
    expect(again.status).toBe(401);
  });

  it('serves health, readiness and per-procedure metrics', async () => {
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: [
        { name: 'database', ok: true },
        { ok: true },
        { name: 'free space', ok: true },
        { name: 'node lease', ok: true },
        { name: 'video tools', ok: true, required: false },
      ],
    });
    // The public port serves metrics to the holder of the metrics token only.
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const scraped = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    const metrics = await scraped.text();
    expect(metrics).toMatch(/aperture_trpc_requests_total\{[^}]*procedure="accounts.register"[^}]*code="OK"/);
    expect(metrics).toMatch(
      /aperture_trpc_requests_total\{[^}]*procedure="accounts.register"[^}]*code="USERNAME_TAKEN"/,
    );
    expect(metrics).toMatch(/aperture_trpc_request_duration_seconds_bucket\{[^}]*procedure="accounts.me"/);
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
