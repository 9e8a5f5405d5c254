import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/index.js';
import { callTrpc } from './server.js';

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
