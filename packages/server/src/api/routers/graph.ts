import type { GraphService } from '../../modules/graph/service.js';
import { requestsListInput, userListInput, userRefInput } from '../../modules/graph/schemas.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function graphRouter(graph: GraphService, { publicProcedure, authedProcedure, limitedProcedure }: Procedures) {
  return router({
    /** Follow someone; to a private account this sends a request (`state: 'pending'`). Idempotent. */
    follow: limitedProcedure('follows')
      .input(userRefInput)
      .mutation(({ input, ctx }) => graph.follow(ctx.viewer, input)),
    /** Stop following, or withdraw a pending request. Idempotent. */
    unfollow: limitedProcedure('follows')
      .input(userRefInput)
      .mutation(({ input, ctx }) => graph.unfollow(ctx.viewer, input)),
    /** Active followers, newest first. */
    followers: publicProcedure.input(userListInput).query(({ input, ctx }) => graph.followers(ctx.viewer, input)),
    /** Active follows, newest first. */
    following: publicProcedure.input(userListInput).query(({ input, ctx }) => graph.following(ctx.viewer, input)),
    /** How the viewer stands with someone. */
    relationship: authedProcedure.input(userRefInput).query(({ input, ctx }) => graph.relationship(ctx.viewer, input)),
    requests: router({
      /** Pending follow requests to the viewer, newest first. */
      list: authedProcedure.input(requestsListInput).query(({ input, ctx }) => graph.requests(ctx.viewer, input)),
      approve: authedProcedure.input(userRefInput).mutation(({ input, ctx }) => graph.approve(ctx.viewer, input)),
      reject: authedProcedure.input(userRefInput).mutation(({ input, ctx }) => graph.reject(ctx.viewer, input)),
    }),
    /** Removes follows and requests both ways and hides each from the other. Idempotent. */
    block: authedProcedure.input(userRefInput).mutation(({ input, ctx }) => graph.block(ctx.viewer, input)),
    unblock: authedProcedure.input(userRefInput).mutation(({ input, ctx }) => graph.unblock(ctx.viewer, input)),
    /** Their posts leave your feed; nothing else changes. Idempotent. */
    mute: authedProcedure.input(userRefInput).mutation(({ input, ctx }) => graph.mute(ctx.viewer, input)),
    unmute: authedProcedure.input(userRefInput).mutation(({ input, ctx }) => graph.unmute(ctx.viewer, input)),
  });
}
