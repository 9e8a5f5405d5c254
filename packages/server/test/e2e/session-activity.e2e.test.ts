import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { callTrpc, manualClock, startTestServer, type TestServer } from '../support/server.js';
import { signUp } from '../support/users.js';

// Session use is written behind the request (SessionActivity): these check that what a request
// notes does reach the database, once per session and user, and never moves a time backwards.
describe.each(DIALECTS)('session activity on $name', (dialect) => {
  const clock = manualClock(new Date('2026-03-01T12:00:00.000Z'));
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ dialect, clock });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const times = async (userId: string) => {
    const db = t.server.db.kysely;
    const user = await db
      .selectFrom('users')
      .select('last_active_at')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const sessions = await db.selectFrom('sessions').select('last_used_at').where('user_id', '=', userId).execute();
    return { user: user.last_active_at, sessions: sessions.map((s) => s.last_used_at) };
  };

  it('writes the last-used time of a session and the last-active time of its user', async () => {
    const ana = await signUp(t.url, 'activity1');
    const signedUpAt = clock.now().toISOString();
    clock.advance(61 * 60_000); // past the one-minute touch interval and the user's hourly one
    const usedAt = clock.now().toISOString();
    expect((await callTrpc(t.url, 'accounts.me', { type: 'query', token: ana.token })).status).toBe(200);
    await t.server.settle();
    expect(await times(ana.id)).toEqual({ user: usedAt, sessions: [usedAt] });
    expect(usedAt > signedUpAt).toBe(true);
  });

  it('notes each session once however many requests it makes, and within a minute not at all', async () => {
    const bo = await signUp(t.url, 'activity2');
    clock.advance(70 * 60_000);
    const usedAt = clock.now().toISOString();
    for (let i = 0; i < 3; i++) await callTrpc(t.url, 'accounts.me', { type: 'query', token: bo.token });
    await t.server.settle();
    clock.advance(30_000); // within the interval of the last touch: nothing new to write
    await callTrpc(t.url, 'accounts.me', { type: 'query', token: bo.token });
    await t.server.settle();
    expect(await times(bo.id)).toEqual({ user: usedAt, sessions: [usedAt] });
  });

  it("rewrites a session's time each minute but its user's only when an hour old", async () => {
    const di = await signUp(t.url, 'activity4');
    const signedUpAt = clock.now().toISOString();
    clock.advance(5 * 60_000);
    const firstUse = clock.now().toISOString();
    await callTrpc(t.url, 'accounts.me', { type: 'query', token: di.token });
    await t.server.settle();
    // Five minutes after sign-up: the session moves, the user's hour has not passed.
    expect(await times(di.id)).toEqual({ user: signedUpAt, sessions: [firstUse] });
    clock.advance(56 * 60_000); // 61 minutes after sign-up
    const laterUse = clock.now().toISOString();
    await callTrpc(t.url, 'accounts.me', { type: 'query', token: di.token });
    await t.server.settle();
    expect(await times(di.id)).toEqual({ user: laterUse, sessions: [laterUse] });
  });

  it('keeps the newest last-active time when an older note is written after a newer one', async () => {
    const cy = await signUp(t.url, 'activity3');
    const newer = new Date(clock.now().getTime() + 60 * 60_000).toISOString();
    await t.server.db.kysely.updateTable('users').set({ last_active_at: newer }).where('id', '=', cy.id).execute();
    clock.advance(2 * 60_000);
    await callTrpc(t.url, 'accounts.me', { type: 'query', token: cy.token });
    await t.server.settle();
    const after = await times(cy.id);
    expect(after.user).toBe(newer);
    expect(after.sessions).toEqual([clock.now().toISOString()]);
  });
});
