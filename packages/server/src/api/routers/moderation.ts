import type { ModerationService } from '../../modules/moderation/moderation-service.js';
import type { ReportsService } from '../../modules/moderation/reports-service.js';
import {
  accountActionInput,
  contentActionInput,
  createReportInput,
  dismissInput,
  heldInput,
  logInput,
  myReportsInput,
  queueInput,
  releaseHoldInput,
  setRoleInput,
  showInput,
} from '../../modules/moderation/schemas.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function reportsRouter(reports: ReportsService, { authedProcedure, limitedProcedure }: Procedures) {
  return router({
    /**
     * Report a post, comment or account to the moderators; again on the same target updates the
     * report. Counted by the write limits' `reports`, beside the service's own cap on new reports.
     */
    create: limitedProcedure('reports')
      .input(createReportInput)
      .mutation(({ input, ctx }) => reports.create(ctx.viewer, input)),
    /** The viewer's own reports and their state, newest first. */
    mine: authedProcedure.input(myReportsInput).query(({ input, ctx }) => reports.mine(ctx.viewer, input)),
  });
}

/** Moderators and admins only (`setRole`: admins only); everyone else gets FORBIDDEN. */
export function moderationRouter(moderation: ModerationService, { moderatorProcedure, adminProcedure }: Procedures) {
  return router({
    /** Reported targets, grouped, most recently reported first. */
    queue: moderatorProcedure.input(queueInput).query(({ input }) => moderation.queue(input)),
    /** Posts and comments a word filter held, oldest first, with the rule that matched. */
    held: moderatorProcedure.input(heldInput).query(({ input }) => moderation.held(input)),
    /** One target whatever its state, its reports and the actions taken on it. */
    show: moderatorProcedure.input(showInput).query(({ input }) => moderation.show(input.target)),
    /** The append-only audit log, newest first. */
    log: moderatorProcedure.input(logInput).query(({ input }) => moderation.log(input)),
    hidePost: moderatorProcedure
      .input(contentActionInput)
      .mutation(({ input, ctx }) => moderation.hidePost(ctx.viewer, input)),
    unhidePost: moderatorProcedure
      .input(contentActionInput)
      .mutation(({ input, ctx }) => moderation.unhidePost(ctx.viewer, input)),
    markSensitive: moderatorProcedure
      .input(contentActionInput)
      .mutation(({ input, ctx }) => moderation.markSensitive(ctx.viewer, input)),
    unmarkSensitive: moderatorProcedure
      .input(contentActionInput)
      .mutation(({ input, ctx }) => moderation.unmarkSensitive(ctx.viewer, input)),
    removeComment: moderatorProcedure
      .input(contentActionInput)
      .mutation(({ input, ctx }) => moderation.removeComment(ctx.viewer, input)),
    restoreComment: moderatorProcedure
      .input(contentActionInput)
      .mutation(({ input, ctx }) => moderation.restoreComment(ctx.viewer, input)),
    suspend: moderatorProcedure
      .input(accountActionInput)
      .mutation(({ input, ctx }) => moderation.suspend(ctx.viewer, input)),
    unsuspend: moderatorProcedure
      .input(accountActionInput)
      .mutation(({ input, ctx }) => moderation.unsuspend(ctx.viewer, input)),
    /** Close a target's open reports without acting on it. */
    dismiss: moderatorProcedure.input(dismissInput).mutation(({ input, ctx }) => moderation.dismiss(ctx.viewer, input)),
    /** Let held content through: visible as its visibility allows, announced as its write would have been. */
    releaseHold: moderatorProcedure
      .input(releaseHoldInput)
      .mutation(({ input, ctx }) => moderation.releaseHold(ctx.viewer, input)),
    /** Make someone a user, moderator or admin. Admins only; not one's own role. */
    setRole: adminProcedure.input(setRoleInput).mutation(({ input, ctx }) => moderation.setRole(ctx.viewer, input)),
  });
}
