import { afterEach, describe, expect, it } from 'vitest';
import { ApertureError, createClient, NetworkError, NotFoundError, RateLimitError, ServerError } from '../src/index.js';
import {
  closedPort,
  plain503,
  startScriptedServer,
  trpcData,
  trpcError,
  type ScriptedServer,
} from './support/scripted-server.js';

const USER = {
  id: '1',
  username: 'ada',
  displayName: 'Ada',
  bio: '',
  isPrivate: false,
  createdAt: '2024-01-01T00:00:00.000Z',
  email: 'ada@example.com',
};

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<ApertureError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApertureError);
  return error as ApertureError;
}

describe('retries', () => {
  it('retries a query after two 503s and returns the third answer', async () => {
    server = await startScriptedServer((_, index) => (index < 2 ? plain503 : trpcData(USER)));
    const client = createClient({ url: server.url, token: 'tok', retry: { baseDelayMs: 1 } });
    await expect(client.me()).resolves.toEqual(USER);
    expect(server.requests).toHaveLength(3);
    expect(server.requests.every((r) => r.method === 'GET' && r.url.startsWith('/trpc/accounts.me'))).toBe(true);
    expect(server.requests.every((r) => r.authorization === 'Bearer tok')).toBe(true);
  });

  it('never retries a mutation', async () => {
    server = await startScriptedServer(() => plain503);
    const client = createClient({ url: server.url, token: 'tok', retry: { baseDelayMs: 1 } });
    const error = await rejection(client.accounts.updateProfile({ bio: 'x' }));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.method).toBe('POST');
  });

  it('gives up after the configured number of retries', async () => {
    server = await startScriptedServer(() => trpcError(500, 'INTERNAL', 'Internal server error.'));
    const client = createClient({ url: server.url, retry: { retries: 2, baseDelayMs: 1 } });
    const error = await rejection(client.me());
    expect(error).toBeInstanceOf(ServerError);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('Internal server error.');
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry when retries is 0', async () => {
    server = await startScriptedServer(() => plain503);
    const client = createClient({ url: server.url, retry: { retries: 0 } });
    await rejection(client.me());
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a 4xx answer', async () => {
    server = await startScriptedServer(() => trpcError(404, 'NOT_FOUND', 'Not found.'));
    const client = createClient({ url: server.url, retry: { baseDelayMs: 1 } });
    const error = await rejection(client.me());
    expect(error).toBeInstanceOf(NotFoundError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 429 after the Retry-After the server asked for', async () => {
    server = await startScriptedServer((_, index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '0', 'content-type': 'text/plain' }, body: 'slow down' }
        : trpcData(USER),
    );
    const client = createClient({ url: server.url, retry: { baseDelayMs: 1 } });
    await expect(client.me()).resolves.toEqual(USER);
    expect(server.requests).toHaveLength(2);
  });

  it('throws at once when the server asks for a longer wait than maxDelayMs', async () => {
    server = await startScriptedServer(() => trpcError(429, 'RATE_LIMITED', 'Too many attempts.', { retryAfter: 120 }));
    const client = createClient({ url: server.url, retry: { baseDelayMs: 1, maxDelayMs: 5_000 } });
    const error = await rejection(client.me());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfter).toBe(120);
    expect(server.requests).toHaveLength(1);
  });
});

describe('network failures', () => {
  it('reports a closed port as a NetworkError naming the server', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const client = createClient({ url, retry: { retries: 1, baseDelayMs: 1 } });
    const error = await rejection(client.me());
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.name).toBe('NetworkError');
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.status).toBe(0);
    expect(error.message).toContain(url);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('reports a mutation to a closed port as a NetworkError too', async () => {
    const client = createClient({ url: `http://127.0.0.1:${await closedPort()}` });
    const error = await rejection(client.auth.login({ username: 'ada', password: 'x' }));
    expect(error).toBeInstanceOf(NetworkError);
  });

  it('reports an answer that is not JSON by its status', async () => {
    server = await startScriptedServer(() => ({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<h1>Bad Gateway</h1>',
    }));
    const client = createClient({ url: server.url, retry: { retries: 0 } });
    const error = await rejection(client.me());
    expect(error).toBeInstanceOf(ServerError);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.status).toBe(502);
  });
});
