import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { MAX_ID, preparedQuery, type ParamRefs } from '../../db/prepared-query.js';
import { compareCanonicalIds } from '../../ids/canonical.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../clock.js';
import type { FeedSettings } from '../../config/feed-settings.js';

/** A candidate post: just enough to order, page and later hydrate. */
export interface Candidate {
  id: string;
  author_id: string;
}

export interface HomeSkeletonResult {
  candidates: Candidate[];
  /** The viewer's timeline was stale (inactive for longer than the push window): rebuild it. */
  stale: boolean;
}

/**
 * Skeleton of the home feed — post ids only, newest first, below `before`: the viewer's
 * materialised timeline + posts of followed accounts that fan-out has not pushed (celebrities'
 * posts never are; others not yet — so a new post is visible at once) + the viewer's own posts.
 * Where the timeline cannot be trusted it pulls from the followed accounts instead: below its
 * oldest row (rows past the cap are trimmed: no cliff) and for a viewer back from a long
 * inactivity (no pushes reached them).
 */
export async function homeSkeleton(
  db: Kysely<Database>,
  clock: Clock,
  settings: FeedSettings,
  viewerId: string,
  before: string | undefined,
  want: number,
): Promise<HomeSkeletonResult> {
  const viewer = await rebuiltAtQuery.executeTakeFirst(db, { viewerId });
  const freshSince = new Date(clock.now().getTime() - settings.activeDays * 86_400_000).toISOString();
  const stale = !viewer?.timeline_rebuilt_at || viewer.timeline_rebuilt_at < freshSince;
  const below = before ?? MAX_ID;
  const page = { viewerId, below, limit: want };

  const sources: Promise<Candidate[]>[] = [ownPostsQuery.execute(db, page)];
  if (stale) {
    sources.push(followedPostsQuery.execute(db, page));
  } else {
    sources.push(unpushedPostsQuery.execute(db, page));
    const timeline = await timelineQuery.execute(db, page);
    sources.push(Promise.resolve(timeline));
    // The timeline ran out below `before`. Above its oldest row it holds every pushed post; below
    // it rows were trimmed (the cap) or never written: pull there rather than end the feed.
    if (timeline.length < want) {
      const oldest = (await oldestTimelineQuery.executeTakeFirst(db, { viewerId }))?.id ?? null;
      const pullBelow = oldest !== null && compareCanonicalIds(oldest, below) < 0 ? oldest : below;
      sources.push(followedPostsQuery.execute(db, { ...page, below: pullBelow }));
    }
  }
  return { candidates: mergeNewestFirst(await Promise.all(sources), want), stale };
}

// The feed's hot statements, compiled once (db/prepared-query.ts). Each pages below an id: the
// first page passes MAX_ID.
type PageParams = ParamRefs<{ viewerId: string; below: string; limit: number }>;

const rebuiltAtQuery = preparedQuery((db, p: ParamRefs<{ viewerId: string }>) =>
  db.selectFrom('users').select('timeline_rebuilt_at').where('id', '=', p.id('viewerId')),
);

const ownPostsQuery = preparedQuery((db, p: PageParams) =>
  db
    .selectFrom('posts')
    .select(['id', 'author_id'])
    .where('author_id', '=', p.id('viewerId'))
    .where('deleted_at', 'is', null)
    .where('id', '<', p.id('below'))
    .orderBy('id', 'desc')
    .limit(p.value('limit')),
);

/**
 * Posts of the accounts the viewer follows. The followed accounts stay in SQL (a subquery) rather
 * than travelling to JS and back as a list of hundreds of ids.
 */
function followedPosts(db: Kysely<Database>, p: PageParams) {
  return db
    .selectFrom('posts')
    .select(['id', 'author_id'])
    .where('author_id', 'in', (eb) =>
      eb
        .selectFrom('follows')
        .select('follows.followee_id')
        .where('follows.follower_id', '=', p.id('viewerId'))
        // A literal like the other hot statements' (post-access.ts): one parameter fewer to bind, and
        // the planner sees the value it plans for.
        .where('follows.state', '=', sql.lit('active')),
    )
    .where('deleted_at', 'is', null)
    .where('id', '<', p.id('below'))
    .orderBy('id', 'desc')
    .limit(p.value('limit'));
}

const followedPostsQuery = preparedQuery(followedPosts);

/** Only those fan-out has not pushed. A literal, not a parameter: that lets the planner use posts_unpushed_idx. */
const unpushedPostsQuery = preparedQuery((db, p: PageParams) => followedPosts(db, p).where('pushed', '=', sql.lit(0)));

const timelineQuery = preparedQuery((db, p: PageParams) =>
  db
    .selectFrom('timeline')
    .select(['post_id as id', 'author_id'])
    .where('user_id', '=', p.id('viewerId'))
    .where('post_id', '<', p.id('below'))
    .orderBy('post_id', 'desc')
    .limit(p.value('limit')),
);

const oldestTimelineQuery = preparedQuery((db, p: ParamRefs<{ viewerId: string }>) =>
  db
    .selectFrom('timeline')
    .select((eb) => eb.fn.min('post_id').as('id'))
    .where('user_id', '=', p.id('viewerId')),
);

/**
 * Merge lists that are each newest first (id descending, as every source query orders them) into
 * one, without duplicates, keeping the first `limit`: a merge of the lists' heads, which stops at
 * `limit` rather than sorting every candidate of every list.
 */
export function mergeNewestFirst(lists: readonly Candidate[][], limit: number): Candidate[] {
  const next = lists.map(() => 0);
  const merged: Candidate[] = [];
  while (merged.length < limit) {
    let newest: Candidate | undefined;
    let from = -1;
    for (let i = 0; i < lists.length; i++) {
      const head = lists[i]![next[i]!];
      if (head !== undefined && (newest === undefined || compareCanonicalIds(head.id, newest.id) > 0)) {
        newest = head;
        from = i;
      }
    }
    if (newest === undefined) break;
    next[from]!++;
    // The same post from two sources comes out twice in a row: keep one.
    if (merged.at(-1)?.id !== newest.id) merged.push(newest);
  }
  return merged;
}
