import type { FeedService } from '../../modules/feed/service.js';
import { feedHashtagInput, feedHomeInput } from '../../modules/feed/schemas.js';
import { byUserInput } from '../../modules/posts/schemas.js';
import type { PostsService } from '../../modules/posts/service.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function feedRouter(feed: FeedService, posts: PostsService, { publicProcedure, authedProcedure }: Procedures) {
  return router({
    /** The home feed: followed accounts and your own posts, `latest` first or `ranked`. */
    home: authedProcedure.input(feedHomeInput).query(({ input, ctx }) => feed.home(ctx.viewer, input)),
    /** One account's posts (the profile grid), through the same rules. */
    user: publicProcedure.input(byUserInput).query(({ input, ctx }) => posts.byUser(ctx.viewer, input)),
    /** Posts with a hashtag, newest first, that the viewer may see. */
    hashtag: publicProcedure.input(feedHashtagInput).query(({ input, ctx }) => feed.hashtag(ctx.viewer, input)),
  });
}
