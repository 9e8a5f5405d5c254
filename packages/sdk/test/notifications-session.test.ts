import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test/support/databases.js';
import { manualClock, startTestServer, type TestServer } from '../../server/test/support/server.js';
import { AuthenticationError, createClient, type FetchFunction, type LiveNotification } from '../src/index.js';
import { member, type Member } from './support/social.js';

/**
 * A live notification stream lives no longer than the session that opened it: logged out, revoked
 * (here or by another process sharing the database) or expired, the stream ends with
 * UNAUTHENTICATED, delivers nothing more, and the SDK does not reconnect.
 */

/**
 * How long a stream may take to notice a revocation written to the database with no wake-up sent
 * (every process looks every 2 s on SQLite, every APERTURE_SAFETY_POLL_SECONDS — 1 s here — on
 * Postgres, where another Aperture process's revocation also arrives by LISTEN/NOTIFY at once).
 */
const CROSS_PROCESS_BOUND_MS = 10_000;

type Next = IteratorResult<LiveNotification>;

/** The stream's next step, or a failure naming what was still pending after `ms`. */
async function nextWithin(stream: AsyncIterator<LiveNotification>, ms: number): Promise<Next> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      stream.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the stream was still open after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Expects the stream to end with UNAUTHENTICATED within `ms`, having delivered nothing more. */
async function expectEndedBySession(stream: AsyncIterator<LiveNotification>, ms: number): Promise<void> {
  let outcome: Next | Error;
  try {
    outcome = await nextWithin(stream, ms);
  } catch (error) {
    outcome = error as Error;
  }
  expect(outcome).toBeInstanceOf(AuthenticationError);
  expect(outcome).toMatchObject({ code: 'UNAUTHENTICATED' });
  // Finished for good: the SDK does not reconnect after it.
  expect(await stream.next()).toEqual({ value: undefined, done: true });
}

/** Requests the client's EventSource made to the stream: 1 unless it reconnected. */
function countingFetch(): { fetch: FetchFunction; streamRequests: () => number } {
  let count = 0;
  return {
    fetch: (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('notifications.onNew')) count += 1;
      return fetch(input, init);
    },
    streamRequests: () => count,
  };
}

describe.each(DIALECTS)('a live notification stream ends with its session on $name', (dialect) => {
  let t: TestServer;
  const clock = manualClock();

  beforeAll(async () => {
    // The safety-net look, which this suite exercises on its own, at the pace of SQLite's.
    t = await startTestServer({ dialect, clock, env: { APERTURE_SAFETY_POLL_SECONDS: '1' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const openStreams = () => t.server.services.notifications.bus.streams;

  /** A second client signed in as `who` (a second session of the same account). */
  async function secondSession(who: Member, fetchImpl?: FetchFunction) {
    const client = createClient({ url: t.url, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
    const { session } = await client.auth.login({ username: who.username, password: 'correct horse battery staple' });
    return { client, sessionId: session.id };
  }

  /** `who`'s stream, live from now, proven live by one delivered follow. */
  async function liveStream(who: Member, client = who.client) {
    const stop = new AbortController();
    const stream = client.notifications.subscribe({ signal: stop.signal })[Symbol.asyncIterator]();
    const first = nextWithin(stream, 20_000);
    const fan = await member(t.url, 'fan');
    await fan.client.graph.follow(who.id);
    expect(await first).toMatchObject({ done: false, value: { kind: 'follow', actor: { id: fan.id } } });
    return { stream, stop };
  }

  /** A notification for `who` written after the session ended: the stream must never deliver it. */
  async function notifyAfterwards(who: Member): Promise<void> {
    const late = await member(t.url, 'late');
    await late.client.graph.follow(who.id);
    await t.server.background.dispatcher.drain();
  }

  it('logout in this process ends the stream at once, with UNAUTHENTICATED and no reconnect', async () => {
    const ana = await member(t.url, 'ana');
    const counting = countingFetch();
    const streaming = await secondSession(ana, counting.fetch);
    const { stream } = await liveStream(ana, streaming.client);

    await streaming.client.auth.logout();
    await notifyAfterwards(ana);
    await expectEndedBySession(stream, 5_000);
    await expect.poll(openStreams).toBe(0);
    // A reconnect would have come within this time (tRPC's client retries at once).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(counting.streamRequests()).toBe(1);
    expect(openStreams()).toBe(0);
  });

  it('revoking the session from another session ends its stream', async () => {
    const ana = await member(t.url, 'ana');
    const streaming = await secondSession(ana);
    const { stream } = await liveStream(ana, streaming.client);

    await ana.client.accounts.revokeSession(streaming.sessionId);
    await notifyAfterwards(ana);
    await expectEndedBySession(stream, 5_000);
  });

  it('a revocation written by another process is honoured within seconds, and nothing is delivered after it', async () => {
    const ana = await member(t.url, 'ana');
    const db = t.server.db.kysely;
    const revokeInDatabase = (sessionId: string) =>
      db.updateTable('sessions').set({ revoked_at: clock.now().toISOString() }).where('id', '=', sessionId).execute();

    // Nothing happens after the revocation: the periodic look ends the stream.
    const quiet = await secondSession(ana);
    const idle = await liveStream(ana, quiet.client);
    await revokeInDatabase(quiet.sessionId);
    await expectEndedBySession(idle.stream, CROSS_PROCESS_BOUND_MS);

    // A notification right after the revocation: the check before delivery stops it.
    const busy = await secondSession(ana);
    const active = await liveStream(ana, busy.client);
    await revokeInDatabase(busy.sessionId);
    await notifyAfterwards(ana);
    await expectEndedBySession(active.stream, CROSS_PROCESS_BOUND_MS);
  });

  it('a session that expires while its stream is open ends the stream', async () => {
    const ana = await member(t.url, 'ana');
    const { stream } = await liveStream(ana);

    clock.advance(t.config.sessionTtlDays * 86_400_000 + 60_000);
    // Every session made before the jump has expired: `notifyAfterwards` signs up someone new.
    await notifyAfterwards(ana);
    await expectEndedBySession(stream, CROSS_PROCESS_BOUND_MS);
  });
});
