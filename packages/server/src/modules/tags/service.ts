import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import { tagQuery } from './extract.js';
import { DEFAULT_TRENDING, trendingTags, type TrendingSettings, type TrendingTag } from './trending.js';

export interface TagView {
  name: string;
  /** Public posts using it; updated in micro-batches, so it may lag a few seconds. */
  postCount: number;
  createdAt: string;
}

export interface TagsServiceDeps {
  db: Kysely<Database>;
  clock: Clock;
  trending?: TrendingSettings;
}

export class TagsService {
  constructor(private readonly deps: TagsServiceDeps) {}

  async get(name: string): Promise<TagView> {
    const key = tagQuery(name);
    const row =
      key === null
        ? undefined
        : await this.deps.db.selectFrom('tags').selectAll().where('name', '=', key).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', 'No such hashtag.');
    return { name: row.name, postCount: row.post_count, createdAt: row.created_at };
  }

  trending(limit: number): Promise<TrendingTag[]> {
    return trendingTags(this.deps.db, this.deps.clock.now(), limit, this.deps.trending ?? DEFAULT_TRENDING);
  }
}

/**
 * Ids of the posts carrying a hashtag, newest first, after `cursorId` (exclusive) — the skeleton
 * of `feed.hashtag`. No visibility filtering: the feed pipeline's rules step does that.
 */
export async function postIdsForTag(
  db: Kysely<Database>,
  tagName: string,
  cursorId: string | undefined,
  limit: number,
): Promise<string[]> {
  const key = tagQuery(tagName);
  if (key === null) return [];
  const rows = await db
    .selectFrom('post_tags')
    .innerJoin('tags', 'tags.id', 'post_tags.tag_id')
    .select('post_tags.post_id')
    .where('tags.name', '=', key)
    .$if(cursorId !== undefined, (qb) => qb.where('post_tags.post_id', '<', cursorId!))
    .orderBy('post_tags.post_id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.post_id);
}
