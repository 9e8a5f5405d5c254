import { tracked } from '@trpc/server';
import { AppError } from '../../errors/app-error.js';
import { toTRPCError } from '../../errors/map-error.js';
import type { NotificationsService } from '../../modules/notifications/service.js';
import { listNotificationsInput, markReadInput, onNewInput } from '../../modules/notifications/schemas.js';
import type { TrackedNotification } from '../../modules/notifications/types.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function notificationsRouter(notifications: NotificationsService, { authedProcedure }: Procedures) {
  return router({
    /** The viewer's notifications, most recently changed first. */
    list: authedProcedure
      .input(listNotificationsInput)
      .query(({ ctx, input }) => notifications.list(ctx.viewer.userId, input)),
    /** Marks the given notifications, or all of them, as read. */
    markRead: authedProcedure
      .input(markReadInput)
      .mutation(({ ctx, input }) => notifications.markRead(ctx.viewer.userId, input)),
    unreadCount: authedProcedure.query(({ ctx }) => notifications.unreadCount(ctx.viewer.userId)),
    /**
     * New notifications, over SSE. Each event's id is its stream position: a client reconnecting
     * with `lastEventId` first receives what it missed. Ends with UNAUTHENTICATED when the session
     * that opened it is logged out, revoked or expires.
     */
    onNew: authedProcedure.input(onNewInput).subscription(async function* ({
      ctx,
      input,
      signal,
    }): AsyncGenerator<TrackedNotification> {
      try {
        for await (const { seq, notification } of notifications.live(ctx.viewer, input?.lastEventId ?? null, signal)) {
          // tracked() makes the SSE event id; a client receives it as exactly { id, data }. The
          // declared type says so without naming tRPC's internal module (the SDK's bundled types
          // may import only its own dependencies).
          yield tracked(seq, notification) as unknown as TrackedNotification;
        }
      } catch (error) {
        // Thrown mid-stream, an error skips the procedure middleware that maps errors, and tRPC
        // would send it with the INTERNAL_SERVER_ERROR code, which its client answers by
        // reconnecting forever. Sent with its own code, UNAUTHENTICATED stops the client.
        if (error instanceof AppError) throw toTRPCError(error);
        throw error;
      }
    }),
  });
}
