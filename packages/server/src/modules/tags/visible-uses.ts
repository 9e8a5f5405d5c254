import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  accountActive,
  followsActively,
  noBlockBetween,
  postVisibleTo,
  shownToOthers,
} from '../visibility/post-visibility-sql.js';

/**
 * Which posts carrying a hashtag a viewer may see, found in the database without walking the ones
 * they may not. The post policy (`mayViewPost`) splits them into three disjoint sources, each read
 * through its own index range (migration 0009):
 *
 * - the viewer's own posts (every live one): `post_tags_author_idx`, one range;
 * - posts of accounts the viewer follows actively (every live, unhidden one, unless a block stands
 *   between them or the account is suspended): `post_tags_author_idx`, one short range per followed account;
 * - public posts of public accounts, by anyone else not blocked either way: the tag's public rows
 *   (`post_tags_public_idx`). `is_public` was right when the row was written; the author may have
 *   gone private or the post been hidden since, so every row is re-checked against the post and
 *   its author as they are now.
 *
 * Non-public posts of strangers are never read, so a tag with 100,000 followers-only posts and one
 * public post costs a few index probes. What bounds the rest:
 * - counting stops after `POST_COUNT_CAP` posts per source;
 * - the public source reads at most `PUBLIC_SCAN` index entries per look. Those rows are public
 *   unless their author went private, was blocked or the post was hidden since, so normally nearly
 *   all of them count; when more than `PUBLIC_SCAN − POST_COUNT_CAP` of a tag's newest public rows
 *   are hidden from this viewer, the count (and a hashtag feed) may stop short. It errs towards
 *   showing less, never more;
 * - a hashtag page sorts the followed accounts' uses below the cursor: work in proportion to posts
 *   the viewer may see, not to the tag's hidden ones. (Postgres chooses that join's order from its
 *   statistics; SQLite is held to it, see `followedRows`.)
 */

/** Counting stops here; a tag with more says "at least this many". */
export const POST_COUNT_CAP = 1_000;
/** Index entries of a tag's public rows read per look (newest first, or oldest first). */
export const PUBLIC_SCAN = 2_000;

export interface VisibleUses {
  /** Posts found, at most 3 × (POST_COUNT_CAP + 1): compare with POST_COUNT_CAP. */
  count: number;
  /** When the oldest post found was made, or null when none was. */
  oldestAt: string | null;
}

type Db = Kysely<Database>;

/** The tag's public rows, newest or oldest first, at most PUBLIC_SCAN of them, below `belowId`. */
function publicRows(db: Db, tagId: string, order: 'asc' | 'desc', belowId?: string) {
  return db
    .selectFrom('post_tags')
    .select(['post_id', 'author_id', 'created_at'])
    .where('tag_id', '=', tagId)
    .where('is_public', '=', 1)
    .$if(belowId !== undefined, (qb) => qb.where('post_id', '<', belowId!))
    .orderBy('post_id', order)
    .limit(PUBLIC_SCAN);
}

/**
 * Of some public rows, those a viewer may see through the public rule: the post still public,
 * live and unhidden, its author still public and not blocked either way. With `strangersOnly`,
 * the viewer's own posts and followed accounts' are left to their own sources (no double count).
 */
function visiblePublic(db: Db, rows: ReturnType<typeof publicRows>, viewerId: string | null, strangersOnly: boolean) {
  return db
    .selectFrom(rows.as('pt'))
    .innerJoin('posts as p', 'p.id', 'pt.post_id')
    .innerJoin('users as u', 'u.id', 'pt.author_id')
    .where(postVisibleTo(null, { post: 'p', author: 'u' }))
    .$if(viewerId !== null, (qb) => qb.where(noBlockBetween(viewerId!, 'pt.author_id')))
    .$if(viewerId !== null && strangersOnly, (qb) =>
      qb.where('pt.author_id', '<>', viewerId!).where(sql<boolean>`not ${followsActively(viewerId!, 'pt.author_id')}`),
    );
}

/** The viewer's own live posts carrying the tag. */
function ownRows(db: Db, tagId: string, viewerId: string) {
  return db
    .selectFrom('post_tags as pt')
    .innerJoin('posts as p', 'p.id', 'pt.post_id')
    .where('pt.tag_id', '=', tagId)
    .where('pt.author_id', '=', viewerId)
    .where('p.deleted_at', 'is', null);
}

/**
 * Live, unhidden posts carrying the tag by accounts the viewer follows, with no block between.
 * A cross join, because SQLite keeps its order: the viewer's follows outside, one index range of
 * the tag per followed account inside. (Without statistics SQLite otherwise walks all the tag's
 * rows and probes the follows for each, which is the walk over hidden rows this file avoids.)
 */
function followedRows(db: Db, tagId: string, viewerId: string) {
  return db
    .selectFrom('follows as f')
    .crossJoin('post_tags as pt')
    .innerJoin('posts as p', 'p.id', 'pt.post_id')
    .where('pt.tag_id', '=', tagId)
    .whereRef('pt.author_id', '=', 'f.followee_id')
    .where('f.follower_id', '=', viewerId)
    .where('f.state', '=', 'active')
    .where('f.followee_id', '<>', viewerId)
    .where('p.deleted_at', 'is', null)
    .where(shownToOthers('p'))
    .where(noBlockBetween(viewerId, 'f.followee_id'))
    .where(accountActive('f.followee_id'));
}

/** How many posts carrying the tag the viewer may see (up to the caps), and the oldest one's time. */
export async function visibleUses(db: Db, viewerId: string | null, tagId: string): Promise<VisibleUses> {
  const found: { n: number; oldest: string | null }[] = [];

  const newest = await visiblePublic(db, publicRows(db, tagId, 'desc'), viewerId, true)
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('pt.created_at').as('oldest')])
    .executeTakeFirstOrThrow();
  found.push({ n: Number(newest.n), oldest: newest.oldest });
  const publicRowCount = await db
    .selectFrom(publicRows(db, tagId, 'desc').as('raw'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(publicRowCount.n) >= PUBLIC_SCAN) {
    // More public rows than one look reads: the oldest visible one is looked for from the other end.
    const oldest = await visiblePublic(db, publicRows(db, tagId, 'asc'), viewerId, true)
      .select((eb) => eb.fn.min('pt.created_at').as('oldest'))
      .executeTakeFirstOrThrow();
    found.push({ n: 0, oldest: oldest.oldest });
  }

  if (viewerId !== null) {
    const own = await db
      .selectFrom(
        ownRows(db, tagId, viewerId)
          .select('pt.post_id')
          .limit(POST_COUNT_CAP + 1)
          .as('own'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const ownOldest = await ownRows(db, tagId, viewerId)
      .select('pt.created_at')
      .orderBy('pt.post_id', 'asc')
      .limit(1)
      .executeTakeFirst();
    found.push({ n: Number(own.n), oldest: ownOldest?.created_at ?? null });

    const followed = await db
      .selectFrom(
        followedRows(db, tagId, viewerId)
          .select('pt.post_id')
          .limit(POST_COUNT_CAP + 1)
          .as('fol'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // One probe per followed account for its oldest use, rather than sorting all their uses.
    const followedOldest = await db
      .selectFrom('follows as f')
      .select(
        sql<string | null>`min((${db
          .selectFrom('post_tags as pt')
          .innerJoin('posts as p', 'p.id', 'pt.post_id')
          .select('pt.created_at')
          .where('pt.tag_id', '=', tagId)
          .where('pt.author_id', '=', sql.ref<string>('f.followee_id'))
          .where('p.deleted_at', 'is', null)
          .where(shownToOthers('p'))
          .orderBy('pt.post_id', 'asc')
          .limit(1)}))`.as('oldest'),
      )
      .where('f.follower_id', '=', viewerId)
      .where('f.state', '=', 'active')
      .where('f.followee_id', '<>', viewerId)
      .where(noBlockBetween(viewerId, 'f.followee_id'))
      .where(accountActive('f.followee_id'))
      .executeTakeFirstOrThrow();
    found.push({ n: Number(followed.n), oldest: followedOldest.oldest });
  }

  const times = found.flatMap((f) => (f.oldest === null ? [] : [new Date(f.oldest).toISOString()]));
  return {
    count: found.reduce((sum, f) => sum + f.n, 0),
    oldestAt: times.length === 0 ? null : times.reduce((a, b) => (a < b ? a : b)),
  };
}

/**
 * Ids of posts carrying the tag that the viewer may see, newest first, below `beforeId`: the
 * skeleton of `feed.hashtag`. `PostAccess` still has the last word when the page is built; this
 * only makes sure pages are full and that a cursor never names a post the viewer may not see.
 */
export async function visiblePostIdsForTag(
  db: Db,
  viewerId: string | null,
  tagId: string,
  beforeId: string | undefined,
  limit: number,
): Promise<string[]> {
  const sources: Promise<{ post_id: string }[]>[] = [
    visiblePublic(db, publicRows(db, tagId, 'desc', beforeId), viewerId, false)
      .select('pt.post_id')
      .orderBy('pt.post_id', 'desc')
      .limit(limit)
      .execute(),
  ];
  if (viewerId !== null) {
    for (const rows of [ownRows(db, tagId, viewerId), followedRows(db, tagId, viewerId)]) {
      sources.push(
        rows
          .select('pt.post_id')
          .$if(beforeId !== undefined, (qb) => qb.where('pt.post_id', '<', beforeId!))
          .orderBy('pt.post_id', 'desc')
          .limit(limit)
          .execute(),
      );
    }
  }
  const ids = new Set((await Promise.all(sources)).flat().map((row) => row.post_id));
  return [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? 1 : BigInt(a) > BigInt(b) ? -1 : 0)).slice(0, limit);
}
