import { z } from 'zod';
import type { Db } from '../../db/connect.js';
import { preparedQuery, type ParamRefs } from '../../db/prepared-query.js';
import type { PostRow } from '../../db/schema.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors/app-error.js';
import { MAX_ID } from '../../ids/canonical.js';
import type { Viewer } from '../accounts/types.js';
import type { Logger } from '../../lib/logger.js';
import { hydratePosts, type HydrateDeps } from '../posts/hydrate.js';
import type { PostView } from '../posts/types.js';
import { idSchema } from '../shared/ids.js';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.js';
import { PostAccess } from '../visibility/post-access.js';
import { loadSignals, score } from './ranking.js';
import { visiblePostIdsForHashtag } from '../tags/service.js';
import { homeSkeleton, type Candidate } from './skeleton.js';
import type { FeedSettings } from './settings.js';
import { TimelineStore } from './timeline-store.js';

export const feedHomeInput = z.object({
  cursor: z.string().max(300).optional(),
  limit: z.number().int().min(1).max(50).optional(),
  order: z.enum(['latest', 'ranked']).default('latest'),
});
export type FeedHomeInput = z.infer<typeof feedHomeInput>;

export const feedHashtagInput = z.object({
  // With or without the `#`, any case: the tag lookup normalises it as tags are stored.
  tag: z.string().trim().min(1).max(101),
  cursor: z.string().max(300).optional(),
  limit: z.number().int().min(1).max(50).optional(),
});
export type FeedHashtagInput = z.infer<typeof feedHashtagInput>;

/** Posts that passed the rules, with the policy facts loaded for them. */
interface RuledPosts {
  rows: PostRow[];
  access: PostAccess;
}

const postsByIds = preparedQuery((db, p: ParamRefs<{ ids: string[] }>) =>
  db.selectFrom('posts').selectAll().where('id', 'in', p.ids('ids')),
);

/** Candidates considered by the ranked feed: the newest this many of the skeleton. */
const RANKED_WINDOW = 300;
/** The last millisecond a Date can represent (ECMAScript's ±100,000,000 days). */
const MAX_DATE_MS = 8.64e15;
const DEFAULT_LIMIT = 20;

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
 * The home feed: skeleton (ids) → hydration (one batched load) → rules (the post policy, mutes) →
 * presentation, as in atproto's pipeline. Every list of posts should be built this way.
 */
export class FeedService {
  private readonly timelines: TimelineStore;
  private readonly rebuilding = new Set<string>();

  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      settings: FeedSettings;
      hydrate: Omit<HydrateDeps, 'db'>;
      log: Logger;
    },
  ) {
    this.timelines = new TimelineStore(deps.db.kysely);
  }

  async home(viewer: Viewer, input: FeedHomeInput): Promise<Page<PostView>> {
    const limit = input.limit ?? DEFAULT_LIMIT;
    return input.order === 'ranked'
      ? this.ranked(viewer, input.cursor, limit)
      : this.latest(viewer, input.cursor, limit);
  }

  private async latest(viewer: Viewer, cursor: string | undefined, limit: number): Promise<Page<PostView>> {
    const before = decodeCursor(cursor);
    const { candidates, stale } = await homeSkeleton(
      this.deps.db.kysely,
      this.deps.clock,
      this.deps.settings,
      viewer.userId,
      before,
      limit + 1,
    );
    this.keepFresh(viewer.userId, stale);
    const more = candidates.length > limit;
    const pageCandidates = candidates.slice(0, limit);
    const last = pageCandidates.at(-1);
    return {
      items: await this.present(viewer, await this.applyRules(viewer, pageCandidates)),
      nextCursor: more && last ? encodeCursor(last.id) : null,
    };
  }

  private async ranked(viewer: Viewer, cursor: string | undefined, limit: number): Promise<Page<PostView>> {
    const state = cursor ? decodeRanked(cursor) : { m: undefined, t: this.deps.clock.now().getTime(), o: 0 };
    // The window is frozen by its newest id: posts arriving while paging wait for a refresh, so
    // pages neither repeat nor skip because of them.
    const { candidates, stale } = await homeSkeleton(
      this.deps.db.kysely,
      this.deps.clock,
      this.deps.settings,
      viewer.userId,
      state.m === undefined ? undefined : (BigInt(state.m) + 1n).toString(),
      RANKED_WINDOW,
    );
    this.keepFresh(viewer.userId, stale);
    const maxId = state.m ?? candidates[0]?.id ?? '0';
    const { rows, access } = await this.applyRules(viewer, candidates);
    const signals = await loadSignals(
      this.deps.db.kysely,
      viewer.userId,
      [...new Set(rows.map((r) => r.author_id))],
      state.t,
    );
    const ordered = rows
      .map((row) => ({ row, score: score(row, signals, state.t) }))
      .sort((a, b) => b.score - a.score || (BigInt(b.row.id) > BigInt(a.row.id) ? 1 : -1))
      .map((s) => s.row);
    const slice = ordered.slice(state.o, state.o + limit);
    const next = state.o + limit < ordered.length ? encodeRanked({ m: maxId, t: state.t, o: state.o + limit }) : null;
    return { items: await this.present(viewer, { rows: slice, access }), nextCursor: next };
  }

  /** A hashtag's posts, newest first, through the same rules: only what the viewer may see. */
  async hashtag(viewer: Viewer | null, input: FeedHashtagInput): Promise<Page<PostView>> {
    const limit = input.limit ?? DEFAULT_LIMIT;
    // Only posts the viewer may see, so the cursor (the last id of the page) names one of them:
    // a page of hidden posts would otherwise hand out their ids, and their existence.
    const ids = await visiblePostIdsForHashtag(
      this.deps.db.kysely,
      viewer?.userId ?? null,
      input.tag,
      decodeCursor(input.cursor),
      limit + 1,
    );
    const more = ids.length > limit;
    const pageIds = ids.slice(0, limit);
    const last = pageIds.at(-1);
    return {
      items: await this.present(
        viewer,
        await this.applyRules(
          viewer,
          pageIds.map((id) => ({ id })),
        ),
      ),
      nextCursor: more && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Rules: drop what the viewer may not see (the post policy) and what they muted. Keeps order, and
   * hands the loaded policy facts on so presentation does not load them again.
   */
  async applyRules(viewer: Viewer | null, candidates: Pick<Candidate, 'id'>[]): Promise<RuledPosts> {
    const { db } = this.deps;
    const ids = candidates.map((c) => c.id);
    if (ids.length === 0) return { rows: [], access: await PostAccess.forPosts(db.kysely, viewer?.userId ?? null, []) };
    const rows = await postsByIds.execute(db.kysely, { ids });
    const access = await PostAccess.forPosts(db.kysely, viewer?.userId ?? null, rows);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const kept = ids.flatMap((id) => {
      const row = byId.get(id);
      return row && access.canView(row) && !access.isMuted(row.author_id) ? [row] : [];
    });
    return { rows: kept, access };
  }

  async present(viewer: Viewer | null, { rows, access }: RuledPosts): Promise<PostView[]> {
    return hydratePosts({ db: this.deps.db.kysely, ...this.deps.hydrate }, viewer?.userId ?? null, rows, access);
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
