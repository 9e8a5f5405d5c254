import type { Kysely } from 'kysely';
import { preparedQuery, type ParamRefs } from '../../db/prepared-query.js';
import type { Database, PostRow } from '../../db/schema.js';
import type { Page } from '../shared/pagination.js';
import { PostAccess } from '../visibility/post-access.js';
import { hydratePosts, type HydrateDeps } from './hydrate.js';
import type { PostView } from './types.js';

/**
 * Every list of posts a viewer is shown — the home feed (latest and ranked), a profile grid, a
 * hashtag page, search results, and a single post — is built by one pipeline, modelled on atproto's
 * bsky `createPipeline`:
 *
 *   skeleton → hydration → rules → arrangement → presentation
 *
 * A surface writes its skeleton (which posts, in which order, and where the next page starts) and
 * picks how they are loaded; the rules (the post policy, and mutes on the surfaces that drop muted
 * accounts) and the presentation are the same for all of them, so what a viewer may see is decided
 * here and nowhere else. Stages are plain functions, so a surface with faster loaders of its own
 * (the home feed's prepared queries) plugs them in rather than taking a slower generic path.
 */

/**
 * What every stage knows: the database this page is read from (the primary or the read replica,
 * chosen once per call by the service through `Reads`) and who is looking (null: signed out).
 */
export interface PostListContext {
  db: Kysely<Database>;
  viewerId: string | null;
}

/** Posts in the skeleton's order with the policy facts about them: what hydration hands the rules. */
export interface LoadedPosts {
  rows: PostRow[];
  access: PostAccess;
}

/** The rows one page shows, in order, and the cursor of the page after it (null on the last). */
export interface ArrangedPage {
  rows: PostRow[];
  nextCursor: string | null;
}

/**
 * Whether the viewer's muted accounts disappear. The home feed and hashtag pages drop them (they
 * are streams the viewer did not pick post by post); a profile grid, search and a single post are
 * asked for by name, so they show them: muting quiets the streams and changes nothing else.
 */
export type MutedAuthors = 'hide' | 'show';

export interface PostListStages<Params, Skeleton> {
  /** Which posts, in which order: the one stage every surface writes for itself. */
  skeleton(ctx: PostListContext, params: Params): Promise<Skeleton>;
  /** Loads the skeleton's rows and the facts the policy needs (`byIds`, `rowsLoaded`, or the surface's own). */
  hydration(ctx: PostListContext, skeleton: NoInfer<Skeleton>): Promise<LoadedPosts>;
  mutedAuthors: MutedAuthors;
  /**
   * Orders and cuts what passed the rules into the page (the ranked feed scores only visible posts).
   * Most surfaces keep the skeleton's order and cursor: `keepSkeletonOrder`.
   */
  arrange(ctx: PostListContext, kept: LoadedPosts, skeleton: NoInfer<Skeleton>): Promise<ArrangedPage>;
}

/** A built pipeline: one call per page, every stage on `ctx.db`. */
export type PostList<Params> = (ctx: PostListContext, params: Params) => Promise<Page<PostView>>;

export function createPostList<Params, Skeleton>(
  deps: Omit<HydrateDeps, 'db'>,
  stages: PostListStages<Params, Skeleton>,
): PostList<Params> {
  return async (ctx, params) => {
    const skeleton = await stages.skeleton(ctx, params);
    const loaded = await stages.hydration(ctx, skeleton);
    const kept = applyRules(loaded, stages.mutedAuthors);
    const page = await stages.arrange(ctx, kept, skeleton);
    const items = await hydratePosts({ ...deps, db: ctx.db }, ctx.viewerId, page.rows, kept.access);
    return { items, nextCursor: page.nextCursor };
  };
}

/**
 * The rules, the same on every surface: the post policy (`mayViewPost`, through `PostAccess`: a
 * deleted or hidden post, a block either way, a followers-only post or a private account's without
 * an active follow) and, where the surface drops them, muted authors. Keeps the order.
 */
export function applyRules(loaded: LoadedPosts, muted: MutedAuthors): LoadedPosts {
  const { access } = loaded;
  const rows = loaded.rows.filter((row) => access.canView(row) && (muted === 'show' || !access.isMuted(row.author_id)));
  return { rows, access };
}

const postsByIds = preparedQuery((db, p: ParamRefs<{ ids: string[] }>) =>
  db.selectFrom('posts').selectAll().where(p.idIn('id', 'ids')),
);

/**
 * Hydration of a skeleton of post ids (the feeds): the rows in one prepared statement, in the
 * skeleton's order (ids no longer there are dropped), and the policy facts with `PostAccess.forPosts`,
 * which loads follows only where the policy reads them.
 */
export async function byIds(ctx: PostListContext, ids: readonly string[]): Promise<LoadedPosts> {
  if (ids.length === 0) return { rows: [], access: await PostAccess.forPosts(ctx.db, ctx.viewerId, []) };
  const found = await postsByIds.execute(ctx.db, { ids: [...ids] });
  // The policy facts from the rows in the order the database returned them (ascending ids), so
  // the lookups they make walk the follows index forwards rather than backwards.
  const access = await PostAccess.forPosts(ctx.db, ctx.viewerId, found);
  const byId = new Map(found.map((row) => [row.id, row]));
  const rows: PostRow[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (row) rows.push(row);
  }
  return { rows, access };
}

/** Hydration of a skeleton whose query read whole rows already (a grid, search): only the policy facts. */
export async function rowsLoaded(ctx: PostListContext, rows: PostRow[]): Promise<LoadedPosts> {
  return { rows, access: await PostAccess.forPosts(ctx.db, ctx.viewerId, rows) };
}

/** Arrangement of a skeleton that fixed the order and the cursor itself (every list but the ranked feed). */
export function keepSkeletonOrder(
  _ctx: PostListContext,
  kept: LoadedPosts,
  skeleton: { nextCursor: string | null },
): Promise<ArrangedPage> {
  return Promise.resolve({ rows: kept.rows, nextCursor: skeleton.nextCursor });
}
