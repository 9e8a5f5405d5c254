import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../clock.js';
import type { FeedSettings } from './settings.js';

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
 * posts never are; others not yet — so a new post is visible at once) + the viewer's own posts. Where the timeline cannot be trusted it pulls from the followed accounts instead:
 * below its oldest row (rows past the cap are trimmed: no cliff) and for a viewer back from a long
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
  const viewer = await db
    .selectFrom('users')
    .select('timeline_rebuilt_at')
    .where('id', '=', viewerId)
    .executeTakeFirst();
  const freshSince = new Date(clock.now().getTime() - settings.activeDays * 86_400_000).toISOString();
  const stale = !viewer?.timeline_rebuilt_at || viewer.timeline_rebuilt_at < freshSince;
  // The followed accounts stay in SQL (a subquery) rather than travelling to JS and back as a list
  // of hundreds of parameters: one statement shape, and no per-id binding.
  const followed = db
    .selectFrom('follows')
    .select('follows.followee_id')
    .where('follows.follower_id', '=', viewerId)
    .where('follows.state', '=', 'active');

  const postsBy = (authors: 'own' | 'followed', below: string | undefined, unpushedOnly = false) =>
    db
      .selectFrom('posts')
      .select(['id', 'author_id'])
      .$if(authors === 'own', (qb) => qb.where('author_id', '=', viewerId))
      .$if(authors === 'followed', (qb) => qb.where('author_id', 'in', followed))
      .where('deleted_at', 'is', null)
      // A literal, not a parameter: that is what lets the planner use posts_unpushed_idx.
      .$if(unpushedOnly, (qb) => qb.where('pushed', '=', sql.lit(0)))
      .$if(below !== undefined, (qb) => qb.where('id', '<', below!))
      .orderBy('id', 'desc')
      .limit(want)
      .execute();

  const sources: Promise<Candidate[]>[] = [postsBy('own', before)];
  if (stale) {
    sources.push(postsBy('followed', before));
  } else {
    sources.push(postsBy('followed', before, true));
    const timeline = await db
      .selectFrom('timeline')
      .select(['post_id as id', 'author_id'])
      .where('user_id', '=', viewerId)
      .$if(before !== undefined, (qb) => qb.where('post_id', '<', before!))
      .orderBy('post_id', 'desc')
      .limit(want)
      .execute();
    sources.push(Promise.resolve(timeline));
    // The timeline ran out below `before`. Above its oldest row it holds every pushed post; below
    // it rows were trimmed (the cap) or never written: pull there rather than end the feed.
    if (timeline.length < want) {
      const oldest = await db
        .selectFrom('timeline')
        .select((eb) => eb.fn.min('post_id').as('id'))
        .where('user_id', '=', viewerId)
        .executeTakeFirst();
      const floor = oldest?.id ?? undefined;
      const below =
        floor === undefined ? before : before === undefined || BigInt(floor) < BigInt(before) ? floor : before;
      sources.push(postsBy('followed', below));
    }
  }
  return { candidates: mergeNewestFirst(await Promise.all(sources), want), stale };
}

/** Merge id-descending lists into one, without duplicates, keeping the first `limit`. */
export function mergeNewestFirst(lists: Candidate[][], limit: number): Candidate[] {
  const byId = new Map<string, Candidate>();
  for (const list of lists) for (const c of list) byId.set(c.id, c);
  return [...byId.values()]
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? 1 : BigInt(a.id) > BigInt(b.id) ? -1 : 0))
    .slice(0, limit);
}
