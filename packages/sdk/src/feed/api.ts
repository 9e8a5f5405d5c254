import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@aperture/server';
import { pageInput, paginate, type PageOptions, type Paginator } from '../paginate.js';
import type { PostView } from '../posts/types.js';

export interface HomeFeedOptions extends PageOptions {
  /** `latest` (newest first, the default) or `ranked` (interest, recency, relationship, engagement). */
  order?: 'latest' | 'ranked' | undefined;
}

export interface FeedApi {
  /**
   * The signed-in user's home feed: their own posts and those of the accounts they follow.
   *
   * @example
   * ```ts
   * const { items } = await client.feed.home({ limit: 10 })
   * for await (const post of client.feed.home({ order: 'ranked' })) console.log(post.caption)
   * ```
   */
  home(options?: HomeFeedOptions): Paginator<PostView>;
  /**
   * Posts with a hashtag (`#sunset` or `sunset`) that you may see, newest first.
   *
   * @example
   * ```ts
   * const first = await client.feed.hashtag('sunset', { limit: 20 })
   * ```
   */
  hashtag(tag: string, options?: PageOptions): Paginator<PostView>;
}

export function createFeedApi(trpc: TRPCClient<AppRouter>): FeedApi {
  return {
    home: (options = {}) =>
      paginate(
        (cursor) =>
          trpc.feed.home.query({
            ...pageInput(options, cursor),
            ...(options.order === undefined ? {} : { order: options.order }),
          }),
        options.cursor,
      ),
    hashtag: (tag, options = {}) =>
      paginate((cursor) => trpc.feed.hashtag.query({ tag, ...pageInput(options, cursor) }), options.cursor),
  };
}
