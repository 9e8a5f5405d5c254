import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Reads } from '../../db/reads.js';
import type { Database } from '../../db/schema.js';
import type { Viewer } from '../accounts/types.js';
import { AppError } from '../../errors/app-error.js';
import { tagQuery } from './extract.js';
import { DEFAULT_TRENDING, trendingTags, type TrendingSettings, type TrendingTag } from './trending.js';
import { POST_COUNT_CAP, visibleUses, visiblePostIdsForTag } from './visible-uses.js';

export interface TagView {
  name: string;
  /**
   * Posts carrying the tag that the viewer may see, counted up to `POST_COUNT_CAP` (1,000): a tag
   * with more says 1,000 and `postCountCapped`. Read at request time, so it follows deletions,
   * privacy changes and blocks at once and counts nothing the viewer may not see.
   */
  postCount: number;
  /** True when there are more than `postCount` (counting stopped at the cap). */
  postCountCapped: boolean;
  /**
   * When the oldest post carrying the tag that the viewer may see was made (not when the tag was
   * first used: that may have been in a post the viewer may not see).
   */
  createdAt: string;
}

export interface TagsServiceDeps {
  /** Where hashtags and trending are read: the replica when it fits the viewer, else the primary. */
  reads: Reads;
  clock: Clock;
  trending?: TrendingSettings;
}

export class TagsService {
  constructor(private readonly deps: TagsServiceDeps) {}

  /**
   * A hashtag as the viewer sees it: found only when the viewer may see at least one post
   * carrying it, and described by those posts alone. Anything else is NOT_FOUND, exactly as for
   * a name nobody used, so an answer never reveals a post the viewer may not see.
   */
  get(viewer: Viewer | null, name: string): Promise<TagView> {
    return this.deps.reads.run(viewer, (db) => this.read(db, viewer?.userId ?? null, name));
  }

  trending(viewer: Viewer | null, limit: number): Promise<TrendingTag[]> {
    const { clock, trending } = this.deps;
    return this.deps.reads.run(viewer, (db) => trendingTags(db, clock.now(), limit, trending ?? DEFAULT_TRENDING));
  }

  private async read(db: Kysely<Database>, viewerId: string | null, name: string): Promise<TagView> {
    const tag = await findTag(db, name);
    const uses = tag ? await visibleUses(db, viewerId, tag.id) : undefined;
    if (!tag || !uses || uses.count === 0 || uses.oldestAt === null)
      throw new AppError('NOT_FOUND', 'No such hashtag.');
    return {
      name: tag.name,
      postCount: Math.min(uses.count, POST_COUNT_CAP),
      postCountCapped: uses.count > POST_COUNT_CAP,
      createdAt: uses.oldestAt,
    };
  }
}

/** The tag row for a name as a user typed it (`#Sea`, `sea`), if the name was ever used. */
async function findTag(db: Kysely<Database>, name: string): Promise<{ id: string; name: string } | undefined> {
  const key = tagQuery(name);
  if (key === null) return undefined;
  return db.selectFrom('tags').select(['id', 'name']).where('name', '=', key).executeTakeFirst();
}

/**
 * Ids of the posts carrying a hashtag that the viewer may see, newest first, below `cursorId`
 * (exclusive): the skeleton of `feed.hashtag`, which still applies the post policy to the page.
 * Filtering here keeps pages full and keeps cursors to ids of posts the viewer may see.
 */
export async function visiblePostIdsForHashtag(
  db: Kysely<Database>,
  viewerId: string | null,
  tagName: string,
  cursorId: string | undefined,
  limit: number,
): Promise<string[]> {
  const tag = await findTag(db, tagName);
  return tag ? visiblePostIdsForTag(db, viewerId, tag.id, cursorId, limit) : [];
}

/**
 * Ids of every post carrying a hashtag, newest first, after `cursorId` (exclusive), whoever may
 * see them: for maintenance and tests of tag extraction, never for what a viewer is shown.
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
