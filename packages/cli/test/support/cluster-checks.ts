import { sql, type Kysely } from 'kysely';
import { recountCounters } from '../../../server/src/modules/admin/recount.js';
import type { Database } from '../../../server/src/db/schema.js';
import type { Ledger } from './mixed-load.js';

/** What is still moving: undelivered outbox events, unprocessed media, unpushed posts. Empty when settled. */
export async function unsettled(db: Kysely<Database>): Promise<string[]> {
  const [events, media, posts] = await Promise.all([
    db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('media')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'processing')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('pushed', '=', 0)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  // Who holds what is still processing, and since when: a holder that is alive yet never finishes
  // points at a hung store call, a lapsed lease at a missing reclaim.
  const held =
    media.n === 0
      ? []
      : await db
          .selectFrom('media')
          .select(['id', 'claimed_by', 'claimed_until', 'attempts'])
          .where('status', '=', 'processing')
          .execute();
  return [
    ...(events.n > 0 ? [`${events.n} outbox events pending`] : []),
    ...(media.n > 0 ? [`${media.n} media processing: ${JSON.stringify(held)}`] : []),
    ...(posts.n > 0 ? [`${posts.n} posts not pushed`] : []),
  ];
}

/** Every acknowledged write the database does not hold, described; empty when none is lost. */
export async function lostWrites(db: Kysely<Database>, ledger: Ledger): Promise<string[]> {
  const lost: string[] = [];
  const users = new Set((await db.selectFrom('users').select('id').execute()).map((r) => r.id));
  for (const id of ledger.users.keys()) if (!users.has(id)) lost.push(`user ${id}`);

  const posts = new Map(
    (await db.selectFrom('posts').select(['id', 'author_id']).where('deleted_at', 'is', null).execute()).map((r) => [
      r.id,
      r.author_id,
    ]),
  );
  const attached = await db
    .selectFrom('post_media')
    .innerJoin('media', 'media.id', 'post_media.media_id')
    .select(['post_media.post_id', 'media.id', 'media.status'])
    .execute();
  for (const [id, post] of ledger.posts) {
    if (posts.get(id) !== post.authorId) lost.push(`post ${id}`);
    for (const mediaId of post.mediaIds) {
      const row = attached.find((a) => a.post_id === id && a.id === mediaId);
      if (row?.status !== 'ready') lost.push(`media ${mediaId} of post ${id} (${row?.status ?? 'missing'})`);
    }
  }

  const likes = new Set(
    (await db.selectFrom('likes').select(['user_id', 'post_id']).execute()).map((r) => `${r.user_id}/${r.post_id}`),
  );
  for (const like of ledger.likes)
    if (!likes.has(`${like.userId}/${like.postId}`)) lost.push(`like ${like.userId}/${like.postId}`);

  const comments = new Map(
    (await db.selectFrom('comments').select(['id', 'post_id']).where('deleted_at', 'is', null).execute()).map((r) => [
      r.id,
      r.post_id,
    ]),
  );
  for (const [id, comment] of ledger.comments) if (comments.get(id) !== comment.postId) lost.push(`comment ${id}`);

  const follows = new Set(
    (await db.selectFrom('follows').select(['follower_id', 'followee_id']).where('state', '=', 'active').execute()).map(
      (r) => `${r.follower_id}/${r.followee_id}`,
    ),
  );
  for (const f of ledger.follows) {
    if (!follows.has(`${f.followerId}/${f.followeeId}`)) lost.push(`follow ${f.followerId}/${f.followeeId}`);
  }
  return lost;
}

/**
 * Compares the timeline table with what fan-out and backfill must have made of the rows: each
 * live post in the timeline of each active follower of its author, exactly once, and nothing else.
 * Holds when no author has more posts than a follow backfills and all are pushed.
 */
export async function timelineMismatches(
  db: Kysely<Database>,
): Promise<{ missing: string[]; extra: string[]; duplicated: number }> {
  const expected = await db
    .selectFrom('posts')
    .innerJoin('follows', 'follows.followee_id', 'posts.author_id')
    .select(['follows.follower_id as user_id', 'posts.id as post_id'])
    .where('follows.state', '=', 'active')
    .where('posts.deleted_at', 'is', null)
    .execute();
  const actual = await db.selectFrom('timeline').select(['user_id', 'post_id']).execute();
  const duplicated = await db
    .selectFrom('timeline')
    .select(['user_id', 'post_id'])
    .groupBy(['user_id', 'post_id'])
    .having(sql`count(*)`, '>', 1)
    .execute();
  const key = (r: { user_id: string; post_id: string }) => `${r.user_id}/${r.post_id}`;
  const want = new Set(expected.map(key));
  const have = new Set(actual.map(key));
  return {
    missing: [...want].filter((k) => !have.has(k)),
    extra: [...have].filter((k) => !want.has(k)),
    duplicated: duplicated.length,
  };
}

class RollBack extends Error {}

/**
 * What `aperture admin recount` would fix, without fixing it: the recount runs in a transaction
 * that is rolled back. Every entry 0 when each counter equals a count of its rows.
 */
export async function counterDrift(db: Kysely<Database>): Promise<Record<string, number>> {
  let fixed: Record<string, number> = {};
  await db
    .transaction()
    .execute(async (trx) => {
      fixed = (await recountCounters(trx)).fixed;
      throw new RollBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RollBack)) throw error;
    });
  return fixed;
}
