import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../src/engine/run-load.js';
import { formatResult, RATE_LIMITED_HINT } from '../src/report/table.js';

// A server that fails in the ways an overloaded one does: `/half-stall` answers every other request
// at once and never answers the rest; `/fail` answers 503 at once.
let server: Server;
let url: string;

beforeAll(async () => {
  let seen = 0;
  server = createServer((request, response) => {
    if (request.url === '/limited') {
      const body = { error: { message: 'Too many', code: -32029, data: { appCode: 'RATE_LIMITED', httpStatus: 429 } } };
      response.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    if (request.url === '/fail') {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('overloaded');
      return;
    }
    seen += 1;
    if (seen % 2 === 0) response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    // Odd ones: no answer until the test closes every connection.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('failed requests in the percentiles', () => {
  it('counts a timed-out request at the timeout among all requests, beside the successes', async () => {
    const result = await runLoad({
      scenario: 'get',
      options: { target: url, path: '/half-stall', timeoutMs: 400 },
      model: { kind: 'open', stages: [{ rate: 20, seconds: 1 }] },
      workers: 1,
    });

    // The timeout has its own, named kind.
    expect(result.errors).toEqual({ RESPONSE_HEADERS_TIMEOUT: 10 });
    const get = result.metrics['get']!;
    // Success-only: the ten fast answers.
    expect(get.count).toBe(10);
    expect(get.p99).toBeLessThan(200);
    // All requests: the ten timeouts too, each at the time it took to fail (the 400 ms timeout).
    expect(get.all.count).toBe(20);
    expect(get.all.failed).toBe(10);
    expect(get.all.p99).toBeGreaterThanOrEqual(400);
    expect(get.all.p99).toBeLessThan(1_500);
    expect(get.all.p50).toBeLessThan(get.all.p99);
  });

  it('counts fast errors among all requests only, where the success-only percentiles have none', async () => {
    const result = await runLoad({
      scenario: 'get',
      options: { target: url, path: '/fail' },
      model: { kind: 'open', stages: [{ rate: 10, seconds: 1 }] },
      workers: 1,
    });

    expect(result.errors).toEqual({ HTTP_503: 10 });
    const get = result.metrics['get']!;
    expect(get.count).toBe(0);
    expect(get.all.count).toBe(10);
    expect(get.all.failed).toBe(10);
    expect(get.all.max).toBeGreaterThan(0);
  });

  it("says so under the table when the server's limits refused requests, and only then", async () => {
    const limited = await runLoad({
      scenario: 'get',
      options: { target: url, path: '/limited' },
      model: { kind: 'open', stages: [{ rate: 10, seconds: 1 }] },
      workers: 1,
    });
    expect(limited.errors).toEqual({ RATE_LIMITED: 10 });
    expect(formatResult(limited)).toContain(RATE_LIMITED_HINT);

    const failing = await runLoad({
      scenario: 'get',
      options: { target: url, path: '/fail' },
      model: { kind: 'open', stages: [{ rate: 10, seconds: 1 }] },
      workers: 1,
    });
    expect(formatResult(failing)).not.toContain('RATE_LIMITED');
  });
});
