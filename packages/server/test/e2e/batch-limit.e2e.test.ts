import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ApertureServer } from '../../src/server.js';
import { DIALECTS } from '../support/databases.js';
import { observedHasher } from '../support/hashers.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { registerUser } from '../support/users.js';

const PASSWORD = 'correct horse battery';

/** `count` calls of `path` in one batched request, as httpBatchLink sends them. */
async function batch(
  base: string,
  path: string,
  count: number,
  input: unknown,
  method: 'GET' | 'POST',
): Promise<{ status: number; body: string; length: string | null }> {
  const paths = Array.from({ length: count }, () => path).join(',');
  const inputs = JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [i, input])));
  const response =
    method === 'GET'
      ? await fetch(`${base}/trpc/${paths}?batch=1&input=${encodeURIComponent(inputs)}`)
      : await fetch(`${base}/trpc/${paths}?batch=1`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: inputs,
        });
  return { status: response.status, body: await response.text(), length: response.headers.get('content-length') };
}

// One unauthenticated request batching hundreds of sign-ins once cost seconds of CPU in password
// hashing. The default cap is 10 calls per batch, on tRPC's handler and on the lean GET path alike.
describe.each(DIALECTS)('the batch size cap on $name', (dialect) => {
  const hasher = observedHasher();
  let t: TestServer;
  let stock: ApertureServer;
  let stockUrl: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect, passwords: hasher });
    // The same database answered by tRPC's stock adapter only, to compare the lean path with.
    stock = await createServer(t.config, { leanQueries: false, backgroundWork: false, shareSqliteInProcess: true });
    stockUrl = await stock.start();
    await registerUser(t.url, 'batcher');
  });
  afterAll(async () => {
    await stock?.stop();
    await t?.stop();
  });

  it('refuses a POST batching 330 sign-ins with BATCH_TOO_LARGE before hashing a single password', async () => {
    hasher.reset();
    const response = await batch(t.url, 'accounts.login', 330, { username: 'batcher', password: 'wrong' }, 'POST');
    expect(response.status).toBe(413);
    const body = JSON.parse(response.body) as { error: { message: string; data: Record<string, unknown> } };
    expect(body.error.data).toMatchObject({ appCode: 'BATCH_TOO_LARGE', code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 });
    expect(body.error.message).toMatch(/fewer/);
    expect(hasher.calls).toEqual([]);
  });

  it('answers a batch of 10 sign-ins and refuses one of 11', async () => {
    hasher.reset();
    const eleven = await batch(t.url, 'accounts.login', 11, { username: 'batcher', password: PASSWORD }, 'POST');
    expect(eleven.status).toBe(413);
    expect(eleven.body).toContain('"appCode":"BATCH_TOO_LARGE"');
    expect(hasher.calls).toEqual([]);

    const ten = await batch(t.url, 'accounts.login', 10, { username: 'batcher', password: PASSWORD }, 'POST');
    expect(ten.status).toBe(200);
    const results = JSON.parse(ten.body) as { result: { data: { token: string } } }[];
    expect(results).toHaveLength(10);
    expect(results.every((r) => r.result.data.token.startsWith('apt_'))).toBe(true);
    expect(hasher.calls).toHaveLength(10);
  });

  it('refuses a GET batch of 11 queries on the lean path exactly as tRPC does', async () => {
    const [lean, stockAnswer] = [
      await batch(t.url, 'tags.trending', 11, { limit: 1 }, 'GET'),
      await batch(stockUrl, 'tags.trending', 11, { limit: 1 }, 'GET'),
    ];
    expect(lean.status).toBe(413);
    expect(lean.body).toContain('"appCode":"BATCH_TOO_LARGE"');
    expect({ ...lean, length: undefined }).toEqual({ ...stockAnswer, length: undefined });
    // The same answer as a POST gets.
    const post = await batch(t.url, 'accounts.login', 11, { username: 'batcher', password: PASSWORD }, 'POST');
    expect(lean.body).toBe(post.body);
  });

  it('still answers a GET batch of 10 queries on the lean path', async () => {
    const ten = await batch(t.url, 'tags.trending', 10, { limit: 1 }, 'GET');
    expect(ten.status).toBe(200);
    expect(JSON.parse(ten.body)).toHaveLength(10);
    // The lean path knows its length; tRPC's handler streams its body.
    expect(ten.length).toBe(String(Buffer.byteLength(ten.body)));
  });
});
