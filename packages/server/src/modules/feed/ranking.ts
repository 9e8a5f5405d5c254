import type { Kysely } from 'kysely';
import type { Database, PostRow } from '../../db/schema.js';

/**
 * The ranked home feed (the Instagram / Photo Sharing notes' "Feed Ranking"): over a window of recent candidates,
 *
 *   score = 0.4·interest + 0.3·recency + 0.2·relationship + 0.1·engagement
 *
 * each term in [0, 1]:
 * - interest: how much the viewer engaged with the author lately — likes + 2×comments on the
 *   author's posts in the last 30 days, saturating at INTEREST_SATURATION;
 * - recency: exp(−age / RECENCY_TAU_HOURS), i.e. it halves every ~16.6 h;
 * - relationship: ½ if they follow each other, + ½ if either engaged with the other's posts in the
 *   last 7 days;
 * - engagement: the post's velocity, (likes + 2×comments) per hour of age, saturating at
 *   VELOCITY_SATURATION.
 * Ties fall back to newest first. The knobs are the constants below.
 */
export const WEIGHTS = { interest: 0.4, recency: 0.3, relationship: 0.2, engagement: 0.1 } as const;
export const INTEREST_SATURATION = 10;
export const RECENCY_TAU_HOURS = 24;
export const VELOCITY_SATURATION = 10;

export interface RankingSignals {
  /** Per author: the viewer's likes + 2×comments on their posts in the last 30 days. */
  interest: Map<string, number>;
  /** Authors who follow the viewer back. */
  mutual: Set<string>;
  /** Authors with an interaction either way in the last 7 days. */
  recentInteraction: Set<string>;
}

export function score(post: PostRow, signals: RankingSignals, nowMs: number): number {
  const ageHours = Math.max(0, (nowMs - Date.parse(post.created_at)) / 3_600_000);
  const interest = Math.min(1, (signals.interest.get(post.author_id) ?? 0) / INTEREST_SATURATION);
  const recency = Math.exp(-ageHours / RECENCY_TAU_HOURS);
  const relationship =
    (signals.mutual.has(post.author_id) ? 0.5 : 0) + (signals.recentInteraction.has(post.author_id) ? 0.5 : 0);
  const velocity = (post.like_count + 2 * post.comment_count) / Math.max(1, ageHours);
  const engagement = Math.min(1, velocity / VELOCITY_SATURATION);
  return (
    WEIGHTS.interest * interest +
    WEIGHTS.recency * recency +
    WEIGHTS.relationship * relationship +
    WEIGHTS.engagement * engagement
  );
}

/** Everything `score` needs about the viewer and these authors, in four queries. */
export async function loadSignals(
  db: Kysely<Database>,
  viewerId: string,
  authorIds: string[],
  nowMs: number,
): Promise<RankingSignals> {
  const signals: RankingSignals = { interest: new Map(), mutual: new Set(), recentInteraction: new Set() };
  if (authorIds.length === 0) return signals;
  const month = new Date(nowMs - 30 * 86_400_000).toISOString();
  const week = new Date(nowMs - 7 * 86_400_000).toISOString();
  const [likes, comments, followsBack, theirs] = await Promise.all([
    db
      .selectFrom('likes')
      .innerJoin('posts', 'posts.id', 'likes.post_id')
      .select(['posts.author_id', 'likes.created_at'])
      .where('likes.user_id', '=', viewerId)
      .where('posts.author_id', 'in', authorIds)
      .where('likes.created_at', '>=', month)
      .execute(),
    db
      .selectFrom('comments')
      .innerJoin('posts', 'posts.id', 'comments.post_id')
      .select(['posts.author_id', 'comments.created_at'])
      .where('comments.author_id', '=', viewerId)
      .where('posts.author_id', 'in', authorIds)
      .where('comments.created_at', '>=', month)
      .execute(),
    db
      .selectFrom('follows')
      .select('follower_id')
      .where('followee_id', '=', viewerId)
      .where('follower_id', 'in', authorIds)
      .where('state', '=', 'active')
      .execute(),
    // Authors who liked the viewer's posts lately.
    db
      .selectFrom('likes')
      .innerJoin('posts', 'posts.id', 'likes.post_id')
      .select('likes.user_id')
      .where('posts.author_id', '=', viewerId)
      .where('likes.user_id', 'in', authorIds)
      .where('likes.created_at', '>=', week)
      .execute(),
  ]);
  for (const like of likes) {
    signals.interest.set(like.author_id, (signals.interest.get(like.author_id) ?? 0) + 1);
    if (like.created_at >= week) signals.recentInteraction.add(like.author_id);
  }
  for (const comment of comments) {
    signals.interest.set(comment.author_id, (signals.interest.get(comment.author_id) ?? 0) + 2);
    if (comment.created_at >= week) signals.recentInteraction.add(comment.author_id);
  }
  for (const f of followsBack) signals.mutual.add(f.follower_id);
  for (const t of theirs) signals.recentInteraction.add(t.user_id);
  return signals;
}
