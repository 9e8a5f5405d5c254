import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { createClient, DEFAULT_MAX_BATCH_SIZE, type FetchFunction } from '../src/index.js';

let server: EphemeralServer;
beforeAll(async () => {
  server = await startEphemeralServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A fetch that notes how many calls each request to the API batched. */
function countingFetch(): { fetch: FetchFunction; batches: number[] } {
  const batches: number[] = [];
  const fetch: FetchFunction = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.pathname.startsWith('/trpc/')) batches.push(url.pathname.slice('/trpc/'.length).split(',').length);
    return globalThis.fetch(input, init);
  };
  return { fetch, batches };
}

// The server refuses a batch of more than APERTURE_MAX_BATCH calls (default 10) with
// BATCH_TOO_LARGE; the SDK splits what a program calls in one tick so that it never sees that.
describe('batching', () => {
  it('splits calls made in one tick into batches the server accepts', async () => {
    const { fetch, batches } = countingFetch();
    const client = createClient({ url: server.url, fetch });
    const trending = await Promise.all(Array.from({ length: 25 }, () => client.tags.trending()));
    expect(trending).toHaveLength(25);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(25);
    expect(Math.max(...batches)).toBe(DEFAULT_MAX_BATCH_SIZE);
    expect(batches.length).toBeGreaterThanOrEqual(3);
  });

  it('follows a lower cap given as maxBatchSize', async () => {
    const lowered = await startEphemeralServer({ APERTURE_MAX_BATCH: '3' });
    try {
      const { fetch, batches } = countingFetch();
      const client = createClient({ url: lowered.url, fetch, maxBatchSize: 3 });
      await Promise.all(Array.from({ length: 7 }, () => client.tags.trending()));
      expect(batches).toEqual([3, 3, 1]);
    } finally {
      await lowered.stop();
    }
  });
});
