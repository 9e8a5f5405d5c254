import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { getTrpc, inputParam, startServerPair, type ServerPair } from '../support/trpc-pair.js';
import { signUp, type SignedUp } from '../support/users.js';

const METRICS_TOKEN = 'a-token-for-the-execution-counts';

/** `aperture_trpc_requests_total` by "procedure code": one count per procedure call that ran. */
async function procedureCalls(url: string): Promise<Map<string, number>> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  const counts = new Map<string, number>();
  for (const match of (await response.text()).matchAll(/^aperture_trpc_requests_total\{([^}]*)\} (\d+)$/gm)) {
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(match[1]!)?.[1];
    counts.set(`${label('procedure')} ${label('code')}`, Number(match[2]));
  }
  return counts;
}

/** What changed between two readings of the counters (entries that did not change are left out). */
function increments(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const changed: Record<string, number> = {};
  for (const [key, count] of after) {
    const delta = count - (before.get(key) ?? 0);
    if (delta !== 0) changed[key] = delta;
  }
  return changed;
}

// Every procedure of a request runs once and the request is authenticated once, whichever path
// answers it and whether its calls succeed or fail. (The lean path once re-ran a whole batch
// through tRPC's handler when one call failed: the good calls ran twice.) The procedures' base
// middleware counts every call it runs in the metrics, and the accounts service is watched for
// token lookups.
describe.each(DIALECTS)('procedures and authentication run once per call on $name', (dialect) => {
  let pair: ServerPair;
  let ana: SignedUp;
  let authenticate: MockInstance;

  beforeAll(async () => {
    pair = await startServerPair({ dialect, env: { APERTURE_METRICS_TOKEN: METRICS_TOKEN } });
    ana = await signUp(pair.lean.url, 'onceana');
  });
  afterAll(async () => {
    await pair?.stop();
  });
  afterEach(() => {
    authenticate?.mockRestore();
  });

  /** Sends one GET to the lean server; what ran: counter increments and token lookups. */
  async function executions(pathAndQuery: string, token: string | undefined, status: number) {
    const url = pair.lean.url;
    authenticate = vi.spyOn(pair.lean.server.services.accounts, 'authenticate');
    const before = await procedureCalls(url);
    const answer = await getTrpc(url, pathAndQuery, { token });
    expect(answer.status).toBe(status);
    const ran = increments(before, await procedureCalls(url));
    return { ran, authentications: authenticate.mock.calls.length };
  }

  it('a batch mixing a success, a NOT_FOUND and a validation error', async () => {
    const input = inputParam({ 1: { id: '1' }, 2: { limit: 500 } });
    const { ran, authentications } = await executions(
      `accounts.me,posts.get,feed.home?batch=1&${input}`,
      ana.token,
      207,
    );
    expect(ran).toEqual({ 'accounts.me OK': 1, 'posts.get NOT_FOUND': 1, 'feed.home VALIDATION_FAILED': 1 });
    expect(authentications).toBe(1);
  });

  it('a single failing query, with a token that names no session', async () => {
    const { ran, authentications } = await executions(`feed.home?${inputParam({})}`, 'apt_nosuchsession', 401);
    expect(ran).toEqual({ 'feed.home UNAUTHENTICATED': 1 });
    expect(authentications).toBe(1);
  });

  it('a batch of successes', async () => {
    const input = inputParam({ 1: { username: 'onceana' }, 2: { limit: 3 } });
    const { ran, authentications } = await executions(
      `accounts.me,users.profile,tags.trending?batch=1&${input}`,
      ana.token,
      200,
    );
    expect(ran).toEqual({ 'accounts.me OK': 1, 'users.profile OK': 1, 'tags.trending OK': 1 });
    expect(authentications).toBe(1);
  });

  it('a batch tRPC’s handler answers (unparseable input): handed over before anything ran', async () => {
    const { ran, authentications } = await executions(
      'accounts.me,tags.trending?batch=1&input=%7Bnope',
      ana.token,
      400,
    );
    expect(ran).toEqual({ 'accounts.me MALFORMED_REQUEST': 1, 'tags.trending MALFORMED_REQUEST': 1 });
    expect(authentications).toBe(1);
  });
});
