import { afterAll, beforeAll } from 'vitest';
import type { TestDialect } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer, type TrpcResponse } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

/** Calls for a moderation suite on one test server: sign-ups, posts, and calls that must succeed or fail. */
export function moderationWorld(server: () => TestServer, prefix: string) {
  let n = 0;
  const t = () => server();
  const call = async <T = unknown>(
    who: SignedUp | null,
    path: string,
    input?: unknown,
    type: 'query' | 'mutation' = 'mutation',
  ): Promise<T> => {
    const res = await callTrpc<T>(t().url, path, { token: who?.token, input, type });
    if (!res.body.result) throw new Error(`${path}: ${JSON.stringify(res.body)}`);
    return res.body.result.data;
  };
  const query = <T = unknown>(who: SignedUp | null, path: string, input?: unknown) =>
    call<T>(who, path, input, 'query');
  /** The app code a call fails with (undefined when it succeeds). */
  const refusal = async (
    who: SignedUp | null,
    path: string,
    input?: unknown,
    type: 'query' | 'mutation' = 'mutation',
  ): Promise<{ status: number; appCode: unknown; retryAfter?: unknown } | undefined> => {
    const res: TrpcResponse = await callTrpc(t().url, path, { token: who?.token, input, type });
    if (res.body.result) return undefined;
    return {
      status: res.status,
      appCode: res.body.error?.data.appCode,
      ...(res.body.error?.data.retryAfter !== undefined ? { retryAfter: res.body.error.data.retryAfter } : {}),
    };
  };
  const user = (name: string) => signUp(t().url, `${prefix}${name}${++n}`);
  const post = async (author: SignedUp, input: Record<string, unknown> = {}) => {
    const mediaId = await insertReadyMedia(t().server.db.kysely, author.id);
    return (await call<{ id: string }>(author, 'posts.create', { mediaIds: [mediaId], ...input })).id;
  };
  const settle = () => t().server.background.dispatcher.drain();
  return { call, query, refusal, user, post, settle };
}

/** The staff of a moderation suite, filled in by its beforeAll. */
export interface ModerationStaff {
  t: TestServer;
  /** The first account, hence admin. */
  admin: SignedUp;
  /** Made moderator by the admin. */
  moderator: SignedUp;
}

/**
 * Registers, in the calling `describe`, a test server on `dialect` with an admin and a moderator
 * (started before its tests, stopped after), and returns the suite's world and its staff.
 */
export function moderationSuite(dialect: TestDialect, prefix: string) {
  const staff = {} as ModerationStaff;
  const w = moderationWorld(() => staff.t, prefix);
  beforeAll(async () => {
    staff.t = await startTestServer({ dialect });
    staff.admin = await w.user('admin');
    staff.moderator = await w.user('mod');
    await w.call(staff.admin, 'moderation.setRole', { userId: staff.moderator.id, role: 'moderator', reason: 'team' });
  });
  afterAll(async () => {
    await staff.t?.stop();
  });
  return { w, staff };
}
