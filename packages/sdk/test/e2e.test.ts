import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApertureError,
  AuthenticationError,
  ConflictError,
  createClient,
  RateLimitError,
  ValidationError,
  type ApertureClient,
} from '../src/index.js';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { failure } from './support/failure.js';

const PASSWORD = 'correct horse battery staple';

let server: EphemeralServer;
beforeAll(async () => {
  server = await startEphemeralServer();
});
afterAll(async () => {
  await server?.stop();
});

let counter = 0;
function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

async function registered(prefix: string): Promise<{ client: ApertureClient; username: string }> {
  const client = createClient({ url: server.url });
  const username = uniqueName(prefix);
  await client.auth.register({ username, email: `${username}@example.com`, password: PASSWORD });
  return { client, username };
}

describe('the SDK against the real server', () => {
  it('registers, reads and edits the profile, manages sessions and logs out', async () => {
    const client = createClient({ url: `${server.url}/`, userAgent: 'sdk-e2e/1' });
    const username = uniqueName('ada');
    const result = await client.auth.register({
      username,
      email: `${username}@example.com`,
      password: PASSWORD,
      displayName: 'Ada',
    });
    expect(result.user.username).toBe(username);
    expect(client.token).toBe(result.token);

    const me = await client.me();
    expect(me).toMatchObject({ username, email: `${username}@example.com`, displayName: 'Ada' });

    const updated = await client.accounts.updateProfile({ bio: 'Engines, mostly.' });
    expect(updated.bio).toBe('Engines, mostly.');
    expect((await client.me()).bio).toBe('Engines, mostly.');

    const laptop = createClient({ url: server.url });
    const login = await laptop.auth.login({ username, password: PASSWORD });
    expect(laptop.token).toBe(login.token);
    expect(login.token).not.toBe(result.token);

    const sessions = await client.accounts.sessions();
    expect(sessions.map((s) => s.id).sort()).toEqual([result.session.id, login.session.id].sort());
    const mine = sessions.find((s) => s.current);
    expect(mine?.id).toBe(result.session.id);
    expect(mine?.userAgent).toBe('sdk-e2e/1');

    await client.accounts.revokeSession(login.session.id);
    const revoked = await failure(() => laptop.me());
    expect(revoked).toBeInstanceOf(AuthenticationError);
    expect(revoked.code).toBe('UNAUTHENTICATED');
    expect((await client.accounts.sessions()).map((s) => s.id)).toEqual([result.session.id]);

    await client.auth.logout();
    expect(client.token).toBeNull();
    const afterLogout = createClient({ url: server.url, token: result.token });
    expect((await failure(() => afterLogout.me())).code).toBe('UNAUTHENTICATED');
  });

  it('reports a short password as a ValidationError whose issues name the field', async () => {
    const client = createClient({ url: server.url });
    const username = uniqueName('short');
    const error = await failure(() =>
      client.auth.register({ username, email: `${username}@example.com`, password: 'short' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.name).toBe('ValidationError');
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.status).toBe(400);
    expect(error.issues.map((issue) => issue.path)).toContainEqual(['password']);
    expect(client.token).toBeNull();
  });

  it('reports a taken username as a ConflictError USERNAME_TAKEN', async () => {
    const { username } = await registered('taken');
    const error = await failure(() =>
      createClient({ url: server.url }).auth.register({
        username,
        email: `other_${username}@example.com`,
        password: PASSWORD,
      }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe('USERNAME_TAKEN');
    expect(error.status).toBe(409);
  });

  it('reports a wrong password as an AuthenticationError INVALID_CREDENTIALS', async () => {
    const { username } = await registered('wrongpw');
    const client = createClient({ url: server.url });
    const error = await failure(() => client.auth.login({ username, password: 'not the password' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('INVALID_CREDENTIALS');
    expect(error.message).toMatch(/password/i);
    expect(client.token).toBeNull();
  });

  it('reports repeated wrong passwords as a RateLimitError with retryAfter, without retrying', async () => {
    const { username } = await registered('locked');
    const client = createClient({ url: server.url });
    let limited: ApertureError | undefined;
    // The server allows a few failures before locking the account for a growing while.
    for (let attempt = 0; attempt < 10 && !limited; attempt++) {
      const error = await failure(() => client.auth.login({ username, password: 'not the password' }));
      if (error instanceof RateLimitError) limited = error;
      else expect(error.code).toBe('INVALID_CREDENTIALS');
    }
    expect(limited?.code).toBe('RATE_LIMITED');
    expect(limited?.status).toBe(429);
    expect(limited?.retryAfter).toBeGreaterThan(0);
  });

  it('reports an unknown token as an AuthenticationError UNAUTHENTICATED, on wrapped and raw calls', async () => {
    const client = createClient({ url: server.url, token: 'not-a-real-token' });
    const wrapped = await failure(() => client.me());
    expect(wrapped).toBeInstanceOf(AuthenticationError);
    expect(wrapped.code).toBe('UNAUTHENTICATED');
    expect(wrapped.status).toBe(401);
    expect(wrapped.path).toBe('accounts.me');

    const raw = await failure(() => client.trpc.accounts.sessions.query());
    expect(raw).toBeInstanceOf(AuthenticationError);
    expect(raw.code).toBe('UNAUTHENTICATED');
  });

  it('treats logging out with a token the server no longer knows as done', async () => {
    const client = createClient({ url: server.url, token: 'revoked-elsewhere' });
    await client.auth.logout();
    expect(client.token).toBeNull();
  });

  it('reaches procedures it does not wrap through the raw typed proxy', async () => {
    const { client, username } = await registered('raw');
    const me = await client.trpc.accounts.me.query();
    expect(me.username).toBe(username);
  });
});
