import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/index.js';
import { insertReadyMedia } from './media.js';
import { callTrpc, type TestServer } from './server.js';
import { signUp, type SignedUp } from './users.js';

/** Signs `username` up with a fresh timeline, as an active user has: reads use it (a stale one is pulled). */
export async function signUpReader(t: TestServer, username: string): Promise<SignedUp> {
  const u = await signUp(t.url, username);
  await t.server.services.feed.rebuild(u.id);
  return u;
}

/** `author` posts one photo (its media inserted ready, past the pipeline) with `input`; the post's id. */
export async function postPhoto(t: TestServer, author: SignedUp, input: Record<string, unknown> = {}): Promise<string> {
  const mediaId = await insertReadyMedia(t.server.db.kysely, author.id);
  const made = await callTrpc<{ id: string }>(t.url, 'posts.create', {
    token: author.token,
    input: { mediaIds: [mediaId], ...input },
  });
  if (!made.body.result) throw new Error(`posts.create failed: ${JSON.stringify(made.body)}`);
  return made.body.result.data.id;
}

/** The post ids in a user's materialised timeline, newest first. */
export async function timelineRows(db: Kysely<Database>, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('timeline')
    .select('post_id')
    .where('user_id', '=', userId)
    .orderBy('post_id', 'desc')
    .execute();
  return rows.map((r) => r.post_id);
}

/** Every post id of a user's home feed, following `nextCursor` page by page until it ends. */
export async function readHomeFeed(
  url: string,
  token: string,
  {
    order = 'latest',
    limit = 2,
    maxPages = 60,
  }: { order?: 'latest' | 'ranked'; limit?: number; maxPages?: number } = {},
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const response = await callTrpc<{ items: { id: string }[]; nextCursor: string | null }>(url, 'feed.home', {
      type: 'query',
      token,
      input: { limit, order, ...(cursor ? { cursor } : {}) },
    });
    if (response.status !== 200) throw new Error(`feed.home answered ${response.status}`);
    ids.push(...response.body.result!.data.items.map((p) => p.id));
    cursor = response.body.result!.data.nextCursor ?? undefined;
    if (!cursor) return ids;
  }
  throw new Error(`the feed did not end within ${maxPages} pages`);
}
