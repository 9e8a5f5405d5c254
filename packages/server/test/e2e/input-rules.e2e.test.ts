import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ID } from '../../src/ids/canonical.js';
import { ID_MESSAGE } from '../../src/modules/shared/ids.js';
import {
  BIDI_MESSAGE,
  CONTROL_MESSAGE,
  DEPTH_MESSAGE,
  MAX_INPUT_DEPTH,
  SURROGATE_MESSAGE,
} from '../../src/modules/shared/text.js';
import { DIALECTS } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer, type TrpcResponse } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

/**
 * The input rules every procedure obeys (docs/api.md, "Input rules"): what an id looks like, what
 * text is refused, what a name may not contain. Both dialects answer alike; Postgres, which refuses
 * NUL in text and compares no BIGINT past 2^63 − 1, used to answer these with a 500.
 */

const PAST_MAX_ID = '9223372036854775808';

function expectRefused(response: TrpcResponse, path: (string | number)[], message: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(response.body.error?.data).toMatchObject({
    appCode: 'VALIDATION_FAILED',
    issues: expect.arrayContaining([expect.objectContaining({ path, message })]),
  });
}

const rankedCursor = (state: object) => Buffer.from(`r1:${JSON.stringify(state)}`).toString('base64url');

describe.each(DIALECTS)('input rules on $name', (dialect) => {
  let t: TestServer;
  let ana: SignedUp;
  let postId: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    ana = await signUp(t.url, 'ana');
    const mediaId = await insertReadyMedia(t.server.db.kysely, ana.id);
    const made = await callTrpc<{ id: string }>(t.url, 'posts.create', {
      token: ana.token,
      input: { mediaIds: [mediaId] },
    });
    postId = made.body.result!.data.id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  const query = (path: string, input: unknown, token?: string) =>
    callTrpc(t.url, path, { type: 'query', input, ...(token ? { token } : {}) });
  const mutate = (path: string, input: unknown, token?: string) =>
    callTrpc(t.url, path, { input, ...(token ? { token } : {}) });

  it('an id past 2^63 − 1 is VALIDATION_FAILED wherever an id goes', async () => {
    expectRefused(await query('posts.get', { id: PAST_MAX_ID }), ['id'], ID_MESSAGE);
    expectRefused(await query('media.get', { id: '99999999999999999999' }), ['id'], ID_MESSAGE);
    expectRefused(await query('users.profile', { userId: PAST_MAX_ID }), ['userId'], ID_MESSAGE);
    expectRefused(await query('likes.likers', { postId: PAST_MAX_ID }), ['postId'], ID_MESSAGE);
    expectRefused(await mutate('comments.delete', { commentId: PAST_MAX_ID }, ana.token), ['commentId'], ID_MESSAGE);
    expectRefused(await mutate('accounts.setAvatar', { mediaId: PAST_MAX_ID }, ana.token), ['mediaId'], ID_MESSAGE);
    expectRefused(
      await mutate('accounts.revokeSession', { sessionId: PAST_MAX_ID }, ana.token),
      ['sessionId'],
      ID_MESSAGE,
    );
    expectRefused(
      await mutate('notifications.markRead', { ids: ['1', PAST_MAX_ID] }, ana.token),
      ['ids', 1],
      ID_MESSAGE,
    );
    expectRefused(await mutate('posts.create', { mediaIds: [PAST_MAX_ID] }, ana.token), ['mediaIds', 0], ID_MESSAGE);
  });

  it('an id is canonical: no sign, no leading zeros, no other digits; 0 and 2^63 − 1 are ids', async () => {
    for (const id of ['007', '00', '-1', '+1', ' 1', '1e3', '١', '']) {
      expectRefused(await query('posts.get', { id }), ['id'], ID_MESSAGE);
    }
    for (const id of ['0', MAX_ID]) {
      const response = await query('posts.get', { id });
      expect(response.status, id).toBe(404);
      expect(response.body.error?.data).toMatchObject({ appCode: 'NOT_FOUND' });
    }
  });

  it('media URLs with an id that is not one are NOT_FOUND, like a missing photo', async () => {
    for (const id of [PAST_MAX_ID, '99999999999999999999', '007', '-1']) {
      const response = await fetch(`${t.url}/media/${id}/w640.webp`);
      expect(response.status, id).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('a ranked feed cursor is refused when its window cannot be read: the largest id, a time no Date holds', async () => {
    for (const state of [
      { m: MAX_ID, t: 0, o: 0 },
      { m: '9223372036854775806', t: 9_007_199_254_740_991, o: 0 },
      { m: '9223372036854775806', t: -1, o: 0 },
    ]) {
      const response = await query('feed.home', { order: 'ranked', cursor: rankedCursor(state) }, ana.token);
      expect(response.status, JSON.stringify(state)).toBe(400);
      expect(response.body.error?.data).toMatchObject({ appCode: 'VALIDATION_FAILED' });
    }
    const fine = await query(
      'feed.home',
      { order: 'ranked', cursor: rankedCursor({ m: postId, t: 0, o: 0 }) },
      ana.token,
    );
    expect(fine.status).toBe(200);
  });

  it('NUL and other control characters are refused in any text, with the path to the field', async () => {
    expectRefused(
      await mutate('accounts.login', { username: 'ana\u0000', password: 'x' }),
      ['username'],
      CONTROL_MESSAGE,
    );
    expectRefused(await query('search.all', { q: 'sea\u0000' }), ['q'], CONTROL_MESSAGE);
    expectRefused(await query('tags.get', { name: '\u001b[2Jsea' }), ['name'], CONTROL_MESSAGE);
    expectRefused(
      await mutate('comments.create', { postId, body: 'nice\u0007' }, ana.token),
      ['body'],
      CONTROL_MESSAGE,
    );
    expectRefused(
      await mutate('posts.update', { id: postId, caption: 'a\u0000b' }, ana.token),
      ['caption'],
      CONTROL_MESSAGE,
    );
    expectRefused(
      await mutate('posts.update', { id: postId, location: { name: 'x\u000b', lat: 0, lng: 0 } }, ana.token),
      ['location', 'name'],
      CONTROL_MESSAGE,
    );
    // Keys count too, and so does input to a procedure that takes none.
    expectRefused(await query('posts.get', { id: postId, 'x\u0000': 1 }), ['x\u0000'], CONTROL_MESSAGE);
    expectRefused(await query('accounts.me', '\u0000', ana.token), [], CONTROL_MESSAGE);
  });

  it('a lone UTF-16 surrogate is refused: it is not Unicode text', async () => {
    expectRefused(
      await mutate('comments.create', { postId, body: 'broken \ud83d' }, ana.token),
      ['body'],
      SURROGATE_MESSAGE,
    );
    expectRefused(await mutate('accounts.updateProfile', { bio: '\udc00' }, ana.token), ['bio'], SURROGATE_MESSAGE);
  });

  it('tab and line breaks, CR LF included, are ordinary text and stored as sent', async () => {
    const caption = 'line one\r\nline two\n\tindented \u{1F600}';
    const response = await callTrpc<{ caption: string }>(t.url, 'posts.update', {
      token: ana.token,
      input: { id: postId, caption },
    });
    expect(response.status).toBe(200);
    expect(response.body.result?.data.caption).toBe(caption);
  });

  it('bidi overrides and isolates are refused in names, not in captions', async () => {
    expectRefused(
      await mutate('accounts.updateProfile', { displayName: 'ana\u202egpj.exe' }, ana.token),
      ['displayName'],
      BIDI_MESSAGE,
    );
    expectRefused(
      await mutate('accounts.register', { username: 'eve\u2066', email: 'eve@example.com', password: 'correct horse' }),
      ['username'],
      BIDI_MESSAGE,
    );
    expectRefused(await query('users.profile', { username: '\u202dana' }), ['username'], BIDI_MESSAGE);
    const caption = await mutate('posts.update', { id: postId, caption: 'שלום \u2067world\u2069' }, ana.token);
    expect(caption.status).toBe(200);
  });

  it('input nested deeper than any procedure takes is refused before it is walked', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_INPUT_DEPTH + 5; i++) deep = [deep];
    const response = await query('posts.get', { id: deep });
    expect(response.status).toBe(400);
    expect(response.body.error?.data).toMatchObject({
      appCode: 'VALIDATION_FAILED',
      issues: [expect.objectContaining({ message: DEPTH_MESSAGE })],
    });
  });

  it('the SSE subscription refuses a lastEventId past 2^63 − 1 in its stream', async () => {
    const search = new URLSearchParams({
      input: JSON.stringify({ lastEventId: PAST_MAX_ID }),
      connectionParams: JSON.stringify({ token: ana.token }),
    });
    // Bounded: a stream that accepted the id would stay open, waiting for notifications.
    const response = await fetch(`${t.url}/trpc/notifications.onNew?${search.toString()}`, {
      signal: AbortSignal.timeout(10_000),
    });
    const body = await response.text();
    expect(body).toContain('event: serialized-error');
    expect(body).toContain('"appCode":"VALIDATION_FAILED"');
    expect(body).not.toContain('"httpStatus":500');
  });
});
