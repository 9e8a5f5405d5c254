import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/connect.js';
import type { Reads } from '../../db/reads.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors/app-error.js';
import { compareCanonicalIds, MAX_ID } from '../../ids/canonical.js';
import type { Viewer } from '../accounts/types.js';
import type { Logger } from '../../lib/logger.js';
import type { HydrateDeps } from '../posts/hydrate.js';
import {
  byIds,
  createPostList,
  keepSkeletonOrder,
  type ArrangedPage,
  type LoadedPosts,
  type PostList,
  type PostListContext,
} from '../posts/pipeline.js';
import type { PostView } from '../posts/types.js';
import { idSchema } from '../shared/ids.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage, type Page } from '../shared/pagination.js';
import { loadSignals, score } from './ranking.js';
import { visiblePostIdsForHashtag } from '../tags/service.js';
import { homeSkeleton } from './skeleton.js';
import type { FeedSettings } from '../../config/feed-settings.js';
import type { FeedHashtagInput, FeedHomeInput } from './schemas.js';
import { TimelineStore } from './timeline-store.js';

interface PageParams {
  cursor: string | undefined;
  limit: number;
}

/** A page's post ids in display order, and the cursor of the next page. */
interface IdSkeleton {
  ids: string[];
  nextCursor: string | null;
}

/** The ranked window's candidates and the frozen ranking's state, for `rankPage`. */
interface RankedSkeleton {
  ids: string[];
  maxId: string;
  now: number;
  offset: number;
  limit: number;
}

/** Candidates considered by the ranked feed: the newest this many of the skeleton. */
const RANKED_WINDOW = 300;
/** The last millisecond a Date can represent (ECMAScript's ±100,000,000 days). */
const MAX_DATE_MS = 8.64e15;

/**
 * Ranked pages are slices of one ranking frozen at the first page: `{ max id, now, offset }`. The
 * window reads below `m + 1`, so `m` stops short of the largest id; `now` is a time a Date holds
 * (ranking subtracts weeks from it). A forged cursor outside these is refused, not run.
 */
const rankedCursor = z.object({
  m: idSchema.refine((id) => id !== MAX_ID),
  t: z.number().int().min(0).max(MAX_DATE_MS),
  o: z.number().int().min(0),
});

/**
 * The home feed and hashtag pages: post lists of the one pipeline (`posts/pipeline.ts`) with their
 * own skeletons — the timeline merged with pulled posts, or a hashtag's visible posts — the feed's
 * prepared loaders for hydration, and muted accounts dropped. The home feed's stages read
 * `ctx.viewerId` as set: `home` is for a signed-in viewer only.
 */
export class FeedService {
  private readonly timelines: TimelineStore;
  private readonly rebuilding = new Set<string>();
  private readonly latestList: PostList<PageParams>;
  private readonly rankedList: PostList<PageParams>;
  private readonly hashtagList: PostList<FeedHashtagInput>;

  constructor(
    private readonly deps: {
      /** The primary: timeline rebuilds write here. */
      db: Db;
      /** Where pages are read: the replica when it fits the viewer, else the primary. */
      reads: Reads;
      clock: Clock;
      settings: FeedSettings;
      hydrate: Omit<HydrateDeps, 'db'>;
      log: Logger;
    },
  ) {
    this.timelines = new TimelineStore(deps.db.kysely);
    const hydrate = deps.hydrate;
    this.latestList = createPostList(hydrate, {
      skeleton: (ctx, page) => this.latestSkeleton(ctx.db, ctx.viewerId!, page),
      hydration: (ctx, skeleton) => byIds(ctx, skeleton.ids),
      mutedAuthors: 'hide',
      arrange: keepSkeletonOrder,
    });
    this.rankedList = createPostList(hydrate, {
      skeleton: (ctx, page) => this.rankedSkeleton(ctx.db, ctx.viewerId!, page),
      hydration: (ctx, skeleton) => byIds(ctx, skeleton.ids),
      mutedAuthors: 'hide',
      arrange: (ctx, kept, skeleton) => rankPage(ctx, kept, skeleton),
    });
    this.hashtagList = createPostList(hydrate, {
      skeleton: (ctx, input) => hashtagSkeleton(ctx, input),
      hydration: (ctx, skeleton) => byIds(ctx, skeleton.ids),
      mutedAuthors: 'hide',
      arrange: keepSkeletonOrder,
    });
  }

  home(viewer: Viewer, input: FeedHomeInput): Promise<Page<PostView>> {
    const page = { cursor: input.cursor, limit: input.limit ?? DEFAULT_PAGE_SIZE };
    const list = input.order === 'ranked' ? this.rankedList : this.latestList;
    return this.deps.reads.run(viewer, (db) => list({ db, viewerId: viewer.userId }, page));
  }

  /** A hashtag's posts, newest first, through the same rules: only what the viewer may see. */
  hashtag(viewer: Viewer | null, input: FeedHashtagInput): Promise<Page<PostView>> {
    return this.deps.reads.run(viewer, (db) => this.hashtagList({ db, viewerId: viewer?.userId ?? null }, input));
  }

  /** Newest first below the cursor; the cursor is the last candidate's id, visible or not. */
  private async latestSkeleton(
    db: Kysely<Database>,
    viewerId: string,
    { cursor, limit }: PageParams,
  ): Promise<IdSkeleton> {
    const { candidates, stale } = await homeSkeleton(
      db,
      this.deps.clock,
      this.deps.settings,
      viewerId,
      decodeCursor(cursor),
      limit + 1,
    );
    this.keepFresh(viewerId, stale);
    const { items, nextCursor } = toPage(candidates, limit, (page) => page.map((c) => c.id));
    return { ids: items, nextCursor };
  }

  /** The newest RANKED_WINDOW candidates of the frozen window; `rankPage` orders what passes the rules. */
  private async rankedSkeleton(
    db: Kysely<Database>,
    viewerId: string,
    { cursor, limit }: PageParams,
  ): Promise<RankedSkeleton> {
    const state = cursor ? decodeRanked(cursor) : { m: undefined, t: this.deps.clock.now().getTime(), o: 0 };
    // The window is frozen by its newest id: posts arriving while paging wait for a refresh, so
    // pages neither repeat nor skip because of them.
    const { candidates, stale } = await homeSkeleton(
      db,
      this.deps.clock,
      this.deps.settings,
      viewerId,
      state.m === undefined ? undefined : (BigInt(state.m) + 1n).toString(),
      RANKED_WINDOW,
    );
    this.keepFresh(viewerId, stale);
    return {
      ids: candidates.map((c) => c.id),
      maxId: state.m ?? candidates[0]?.id ?? '0',
      now: state.t,
      offset: state.o,
      limit,
    };
  }

  /**
   * A viewer whose timeline was last rebuilt more than the push window ago may have missed pushes
   * (inactive followers get none): this read was pulled; rebuild in the background so the next
   * reads use the timeline. (While the rebuild is younger than the window, every push reached them:
   * their sign-ins since kept them "active".)
   */
  private keepFresh(userId: string, stale: boolean): void {
    if (!stale || this.rebuilding.has(userId)) return;
    this.rebuilding.add(userId);
    this.rebuild(userId)
      .catch((error: unknown) => this.deps.log.error({ err: error, userId }, 'timeline rebuild failed'))
      .finally(() => this.rebuilding.delete(userId));
  }

  /** Replace a user's timeline with the newest pushed posts of the accounts they follow. */
  async rebuild(userId: string): Promise<void> {
    const { db, clock, settings } = this.deps;
    const now = clock.now().toISOString();
    await db.kysely.transaction().execute(async (trx) => {
      const posts = await trx
        .selectFrom('posts')
        .innerJoin('follows', 'follows.followee_id', 'posts.author_id')
        .select(['posts.id', 'posts.author_id'])
        .where('follows.follower_id', '=', userId)
        .where('follows.state', '=', 'active')
        // Unpushed posts (celebrities') are pulled at read time; the timeline holds the pushed kind.
        .where('posts.pushed', '=', 1)
        .where('posts.deleted_at', 'is', null)
        .orderBy('posts.id', 'desc')
        .limit(settings.timelineCap)
        .execute();
      await trx.deleteFrom('timeline').where('user_id', '=', userId).execute();
      for (let i = 0; i < posts.length; i += settings.fanoutBatch) {
        await this.timelines.add(trx, userId, posts.slice(i, i + settings.fanoutBatch));
      }
      await trx.updateTable('users').set({ timeline_rebuilt_at: now }).where('id', '=', userId).execute();
    });
  }
}

/**
 * Ids of the hashtag's posts the viewer may see, newest first. Only those, so the cursor (the last
 * id of the page) names one of them: a page of hidden posts would otherwise hand out their ids.
 */
async function hashtagSkeleton(ctx: PostListContext, input: FeedHashtagInput): Promise<IdSkeleton> {
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const ids = await visiblePostIdsForHashtag(ctx.db, ctx.viewerId, input.tag, decodeCursor(input.cursor), limit + 1);
  const { items, nextCursor } = toPage(
    ids.map((id) => ({ id })),
    limit,
    (page) => page.map((p) => p.id),
  );
  return { ids: items, nextCursor };
}

/** The ranked feed's arrangement: score what passed the rules, then cut the page at the offset. */
async function rankPage(ctx: PostListContext, kept: LoadedPosts, skeleton: RankedSkeleton): Promise<ArrangedPage> {
  const { now, offset, limit } = skeleton;
  const authors = [...new Set(kept.rows.map((r) => r.author_id))];
  const signals = await loadSignals(ctx.db, ctx.viewerId!, authors, now);
  const ordered = kept.rows
    .map((row) => ({ row, score: score(row, signals, now) }))
    .sort((a, b) => b.score - a.score || compareCanonicalIds(b.row.id, a.row.id))
    .map((s) => s.row);
  const more = offset + limit < ordered.length;
  return {
    rows: ordered.slice(offset, offset + limit),
    nextCursor: more ? encodeRanked({ m: skeleton.maxId, t: now, o: offset + limit }) : null,
  };
}

function encodeRanked(state: z.infer<typeof rankedCursor>): string {
  return Buffer.from(`r1:${JSON.stringify(state)}`).toString('base64url');
}

function decodeRanked(cursor: string): z.infer<typeof rankedCursor> {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const parsed = text.startsWith('r1:') ? rankedCursor.safeParse(safeJson(text.slice(3))) : undefined;
  if (!parsed?.success) throw new AppError('VALIDATION_FAILED', 'That cursor is not valid here.');
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
