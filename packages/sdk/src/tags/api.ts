import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@aperture/server';
import type { RouterOutputs } from '../types.js';

/**
 * A hashtag as you see it: its normalised name, how many posts carrying it you may see (up to
 * 1,000; `postCountCapped` when there are more), and when the oldest of them was made.
 */
export type TagView = RouterOutputs['tags']['get'];
/** A trending hashtag with its score, distinct recent authors and the baseline it beat. */
export type TrendingTag = RouterOutputs['tags']['trending'][number];

export interface TagsApi {
  /**
   * A hashtag by name; `#Sea`, `sea` and `ＳＥＡ` are the same tag. A `NotFoundError` unless you
   * may see at least one post carrying it.
   *
   * @example
   * ```ts
   * const { postCount } = await client.tags.get('sunset')
   * ```
   */
  get(name: string): Promise<TagView>;
  /**
   * Hashtags many accounts use right now, more than usual (public posts only), best first.
   *
   * @example
   * ```ts
   * for (const tag of await client.tags.trending({ limit: 5 })) console.log(`#${tag.name}`)
   * ```
   */
  trending(options?: { limit?: number | undefined }): Promise<TrendingTag[]>;
}

export function createTagsApi(trpc: TRPCClient<AppRouter>): TagsApi {
  return {
    get: (name) => trpc.tags.get.query({ name }),
    trending: (options = {}) => trpc.tags.trending.query(options.limit === undefined ? {} : { limit: options.limit }),
  };
}
