import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { postVisibleTo } from '../visibility/post-visibility-sql.js';

/** The knobs of `tags.trending` (see docs/api.md "Trending"). */
export interface TrendingSettings {
  /** The recent window whose uses are observed. */
  windowHours: number;
  /** A use's weight halves every this many hours, so a burst fades instead of dropping off. */
  halfLifeHours: number;
  /** Days whose same window of the day is averaged into the expected baseline. */
  baselineDays: number;
  /** Distinct authors a tag needs in the recent window (one account cannot trend a tag). */
  minAuthors: number;
}

export const DEFAULT_TRENDING: TrendingSettings = { windowHours: 6, halfLifeHours: 2, baselineDays: 3, minAuthors: 5 };

export interface TrendingTag {
  name: string;
  score: number;
  /** Distinct authors in the recent window. */
  authors: number;
  /** Authors expected in the window from the baseline days. */
  expected: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Mastodon-style trends: per tag, the decayed number of distinct authors in the recent window
 * (each author weighs 0.5^(age / half-life) by their newest use) against the expected count (the
 * distinct authors in the same window of the day on each baseline day, averaged, at least 1):
 * `score = max(0, observed − expected)² / expected`. Only live, visible, public posts of public
 * accounts count, and a tag needs `minAuthors` distinct recent authors.
 */
export async function trendingTags(
  db: Kysely<Database>,
  now: Date,
  limit: number,
  settings: TrendingSettings = DEFAULT_TRENDING,
): Promise<TrendingTag[]> {
  const nowMs = now.getTime();
  const windowMs = settings.windowHours * HOUR_MS;
  const recent = await db
    .selectFrom('post_tags')
    .innerJoin('posts', 'posts.id', 'post_tags.post_id')
    .innerJoin('users', 'users.id', 'post_tags.author_id')
    .select(['post_tags.tag_id', 'post_tags.author_id', (eb) => eb.fn.max('post_tags.created_at').as('last_use')])
    .where('post_tags.is_public', '=', 1)
    .where('post_tags.created_at', '>', new Date(nowMs - windowMs).toISOString())
    .where('post_tags.created_at', '<=', now.toISOString())
    // is_public was true when the row was written; the account or the post may have changed since.
    .where(postVisibleTo(null, { post: 'posts', author: 'users' }))
    .groupBy(['post_tags.tag_id', 'post_tags.author_id'])
    .execute();

  const observed = new Map<string, { authors: number; weight: number }>();
  for (const row of recent) {
    const age = Math.max(0, nowMs - Date.parse(String(row.last_use)));
    const entry = observed.get(row.tag_id) ?? { authors: 0, weight: 0 };
    entry.authors += 1;
    entry.weight += 0.5 ** (age / (settings.halfLifeHours * HOUR_MS));
    observed.set(row.tag_id, entry);
  }
  const candidates = [...observed].filter(([, o]) => o.authors >= settings.minAuthors).map(([tagId]) => tagId);
  if (candidates.length === 0) return [];

  const baselineStart = nowMs - settings.baselineDays * DAY_MS - windowMs;
  // The baseline counts like the window: only posts public now. `expected` is in the answer, and
  // counting uses the author has hidden since (went private, made followers-only, deleted) would
  // tell how many there were.
  const past = await db
    .selectFrom('post_tags')
    .innerJoin('posts', 'posts.id', 'post_tags.post_id')
    .innerJoin('users', 'users.id', 'post_tags.author_id')
    .select(['post_tags.tag_id', 'post_tags.author_id', 'post_tags.created_at'])
    .where('post_tags.is_public', '=', 1)
    .where('post_tags.tag_id', 'in', candidates)
    .where('post_tags.created_at', '>', new Date(baselineStart).toISOString())
    .where('post_tags.created_at', '<=', new Date(nowMs - DAY_MS).toISOString())
    .where(postVisibleTo(null, { post: 'posts', author: 'users' }))
    .execute();
  // Distinct authors per (tag, day back) whose use falls in that day's copy of the window.
  const pastAuthors = new Map<string, Set<string>>();
  for (const row of past) {
    // Day d's window is (now − d days − window, now − d days].
    const age = nowMs - Date.parse(row.created_at);
    const daysBack = Math.floor(age / DAY_MS);
    if (daysBack < 1 || daysBack > settings.baselineDays || age - daysBack * DAY_MS >= windowMs) continue;
    const key = `${row.tag_id}:${daysBack}`;
    const set = pastAuthors.get(key) ?? new Set<string>();
    set.add(row.author_id);
    pastAuthors.set(key, set);
  }

  const scored = candidates.flatMap((tagId) => {
    const o = observed.get(tagId)!;
    let total = 0;
    for (let d = 1; d <= settings.baselineDays; d++) total += pastAuthors.get(`${tagId}:${d}`)?.size ?? 0;
    const expected = Math.max(1, total / settings.baselineDays);
    const score = o.weight > expected ? (o.weight - expected) ** 2 / expected : 0;
    return score > 0 ? [{ tagId, score, authors: o.authors, expected }] : [];
  });
  scored.sort((a, b) => b.score - a.score);
  const top = scored.slice(0, limit);
  if (top.length === 0) return [];
  const names = await db
    .selectFrom('tags')
    .select(['id', 'name'])
    .where(
      'id',
      'in',
      top.map((t) => t.tagId),
    )
    .execute();
  const nameById = new Map(names.map((n) => [n.id, n.name]));
  return top.flatMap(({ tagId, score, authors, expected }) => {
    const name = nameById.get(tagId);
    return name === undefined ? [] : [{ name, score, authors, expected }];
  });
}
