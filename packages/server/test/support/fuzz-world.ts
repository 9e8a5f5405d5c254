import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { hashToken, newSessionToken } from '../../src/modules/accounts/tokens.js';
import { encodeCursor } from '../../src/modules/shared/pagination.js';
import { insertReadyMedia } from './media.js';
import type { Credentials } from './raw-calls.js';
import type { Plausible } from './schema-arbitrary.js';
import { callTrpc, type TestServer } from './server.js';
import { signUp, type SignedUp } from './users.js';

/**
 * The small world the input fuzzer works in: two accounts that follow each other, a post with a
 * comment, a like and notifications, a pending upload, and cheap sessions, so that plausible ids
 * name real rows and calls get past validation to the code behind it.
 */
export class FuzzWorld {
  readonly plausible: Plausible;
  private sessionSeq = 0n;

  private constructor(
    private readonly t: TestServer,
    readonly fuzzer: SignedUp,
    readonly other: SignedUp,
    idPattern: string,
  ) {
    this.plausible = {
      idsByField: {},
      ids: [],
      usernames: [fuzzer.username, other.username, 'nobody'],
      cursors: [],
      idPattern,
    };
  }

  static async create(t: TestServer, idPattern: string): Promise<FuzzWorld> {
    const world = new FuzzWorld(t, await signUp(t.url, 'fuzzer'), await signUp(t.url, 'other'), idPattern);
    await world.refresh();
    return world;
  }

  /** A session written straight into the database: cheap, and immune to a fuzzed `accounts.logout`. */
  async mintToken(userId = this.fuzzer.id): Promise<string> {
    this.sessionSeq += 1n;
    const token = newSessionToken();
    const now = new Date().toISOString();
    await this.t.server.db.kysely
      .insertInto('sessions')
      .values({
        id: String(8_900_000_000_000_000_000n + this.sessionSeq),
        user_id: userId,
        token_hash: hashToken(token),
        user_agent: null,
        ip: null,
        created_at: now,
        last_used_at: now,
        expires_at: '2999-01-01T00:00:00.000Z',
        revoked_at: null,
      })
      .execute();
    return token;
  }

  /**
   * Fresh rows and the ids that name them, however earlier runs changed things (a fuzzed block,
   * delete or privacy switch). Returns the new post's id.
   */
  async refresh(): Promise<string> {
    const { t, fuzzer, other } = this;
    // The fuzzer is the instance's first account, so an admin: a fuzzed `moderation.suspend` may
    // have suspended `other` (revoking its sessions). Lift that, and speak for `other` with a
    // session of its own minted afresh.
    await t.server.db.kysely
      .updateTable('users')
      .set({ suspended_at: null })
      .where('id', 'in', [fuzzer.id, other.id])
      .execute();
    const token = await this.mintToken();
    const otherToken = await this.mintToken(other.id);
    await callTrpc(t.url, 'graph.unblock', { token, input: { userId: other.id } });
    await callTrpc(t.url, 'accounts.update', { token, input: { isPrivate: false } });
    await callTrpc(t.url, 'graph.follow', { token: otherToken, input: { userId: fuzzer.id } });
    const mediaId = await insertReadyMedia(t.server.db.kysely, fuzzer.id);
    const spare = await insertReadyMedia(t.server.db.kysely, fuzzer.id);
    const post = await callTrpc<{ id: string }>(t.url, 'posts.create', {
      token,
      input: { mediaIds: [mediaId], caption: 'fuzz #sea' },
    });
    const postId = post.body.result?.data.id;
    if (!postId) throw new Error(`posts.create failed: ${JSON.stringify(post.body)}`);
    const comment = await callTrpc<{ id: string }>(t.url, 'comments.create', {
      token: otherToken,
      input: { postId, body: 'nice' },
    });
    const commentId = comment.body.result?.data.id;
    if (!commentId) throw new Error(`comments.create failed: ${JSON.stringify(comment.body)}`);
    await callTrpc(t.url, 'likes.like', { token: otherToken, input: { postId } });
    // An upload still waiting for its bytes, so upload procedures meet a real row too.
    const upload = await callTrpc<{ uploadId: string }>(t.url, 'media.createUpload', {
      token,
      input: { size: 1_000, contentType: 'image/jpeg', sha256: randomBytes(32).toString('hex') },
    });
    await t.server.background.dispatcher.drain();
    const notifications = await callTrpc<{ items: { id: string }[] }>(t.url, 'notifications.list', {
      type: 'query',
      token,
    });
    const sessions = await callTrpc<{ id: string }[]>(t.url, 'accounts.sessions', { type: 'query', token });
    const byField: Record<string, string[]> = {
      id: [postId, mediaId],
      postId: [postId],
      userId: [fuzzer.id, other.id],
      mediaId: [mediaId, spare],
      mediaIds: [mediaId, spare],
      commentId: [commentId],
      parentId: [commentId],
      uploadId: [upload.body.result?.data.uploadId ?? '1'],
      sessionId: (sessions.body.result?.data ?? []).map((session) => session.id).slice(0, 3),
      ids: (notifications.body.result?.data.items ?? []).map((n) => n.id),
      lastEventId: ['0'],
    };
    this.plausible.idsByField = byField;
    this.plausible.ids = [...new Set(Object.values(byField).flat())];
    this.plausible.cursors = [encodeCursor(postId), encodeCursor(commentId)];
    return postId;
  }

  /** Who calls: mostly the fuzzer's account or no one, sometimes credentials that are garbage. */
  readonly callers: fc.Arbitrary<Caller> = fc.oneof(
    { weight: 5, arbitrary: fc.constant<Caller>('signed in') },
    { weight: 2, arbitrary: fc.constant<Caller>('signed out') },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('Bearer', 'Bearer apt_', `Bearer apt_${'A'.repeat(10_000)}`, 'Basic Zm9vOmJhcg==', 'Bearer a b')
        .map((authorization) => ({ authorization })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.constantFrom('{', '[]', 'null', '{"token":5}', '{"token":"apt_\\u0000"}'), fc.json({ maxDepth: 2 }))
        .map((connectionParams) => ({ connectionParams })),
    },
  );

  async credentialsOf(caller: Caller): Promise<Credentials> {
    if (caller === 'signed in') return { kind: 'session', token: await this.mintToken() };
    if (caller === 'signed out') return { kind: 'none' };
    if ('authorization' in caller) return { kind: 'header', authorization: caller.authorization };
    return { kind: 'connectionParams', raw: caller.connectionParams };
  }
}

export type Caller = 'signed in' | 'signed out' | { authorization: string } | { connectionParams: string };
