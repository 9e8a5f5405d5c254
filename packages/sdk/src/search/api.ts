import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@aperture/server';
import { pageInput, paginate, type PageOptions, type Paginator } from '../paginate.js';
import type { PostView } from '../posts/types.js';
import type { RouterOutputs } from '../types.js';

/** Users and hashtags (first page only) and one page of matching posts, best match first. */
export type SearchResults = RouterOutputs['search']['all'];

export interface SearchApi {
  /**
   * Users by username or display-name prefix, hashtags by prefix and posts whose caption holds
   * every word of `q`. `options.cursor` (a `posts.nextCursor`) fetches more posts.
   *
   * @example
   * ```ts
   * const { users, tags, posts } = await client.search.all('harbour')
   * ```
   */
  all(q: string, options?: PageOptions): Promise<SearchResults>;
  /**
   * Only the matching posts, as a list to walk page by page.
   *
   * @example
   * ```ts
   * for await (const post of client.search.posts('harbour sunset')) console.log(post.caption)
   * ```
   */
  posts(q: string, options?: PageOptions): Paginator<PostView>;
}

export function createSearchApi(trpc: TRPCClient<AppRouter>): SearchApi {
  return {
    all: (q, options = {}) => trpc.search.all.query({ q, ...pageInput(options, options.cursor) }),
    posts: (q, options = {}) =>
      paginate(
        async (cursor) => (await trpc.search.all.query({ q, ...pageInput(options, cursor) })).posts,
        options.cursor,
      ),
  };
}
