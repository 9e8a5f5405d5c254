import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@aperture/server';
import { pageInput, paginate, type PageOptions, type Paginator } from '../paginate.js';
import type {
  AccountRef,
  CreateReportInput,
  HeldContent,
  ModerationLogEntry,
  ModerationResult,
  MyReport,
  QueueItem,
  ReportTarget,
  TargetDetail,
  UserRole,
} from './types.js';

export interface ReportsApi {
  /**
   * Reports a post, comment or account to the instance's moderators. Reporting the same thing
   * again while your report is open updates it. A target you may not see is a `NotFoundError`.
   *
   * @example
   * ```ts
   * await client.reports.create({ target: { kind: 'post', id: postId }, reason: 'spam', note: 'Same link on every post' })
   * ```
   */
  create(input: CreateReportInput): Promise<MyReport>;
  /**
   * Your own reports, newest first, with their state.
   *
   * @example
   * ```ts
   * for await (const report of client.reports.mine()) console.log(report.target.kind, report.state)
   * ```
   */
  mine(options?: PageOptions): Paginator<MyReport>;
}

/** Options of the moderation queue. */
export interface QueueOptions extends PageOptions {
  /** `open` (default): reports waiting for a moderator; `resolved`: those already handled. */
  state?: 'open' | 'resolved';
}

/** Options of the audit log. */
export interface ModerationLogOptions extends PageOptions {
  /** Only this moderator's actions. */
  moderatorId?: string;
  /** Only actions about this user's account or content. */
  targetUserId?: string;
}

/**
 * Moderators and admins only: every call of anyone else is a `PermissionError` `FORBIDDEN`. Each
 * action takes a `reason` (it goes to the audit log and to the person affected) and resolves the
 * target's open reports.
 */
export interface ModerationApi {
  /**
   * Reported targets grouped, most recently reported first, with counts per reason.
   *
   * @example
   * ```ts
   * for await (const item of client.moderation.queue()) console.log(item.target, item.reportCount, item.reasons)
   * ```
   */
  queue(options?: QueueOptions): Paginator<QueueItem>;
  /**
   * One target whatever its state (hidden, removed, suspended), its reports and the actions on it.
   *
   * @example
   * ```ts
   * const { reports, state } = await client.moderation.show({ kind: 'post', id: postId })
   * ```
   */
  show(target: ReportTarget): Promise<TargetDetail>;
  /**
   * The append-only audit log, newest first.
   *
   * @example
   * ```ts
   * for await (const entry of client.moderation.log({ targetUserId })) console.log(entry.action, entry.reason)
   * ```
   */
  log(options?: ModerationLogOptions): Paginator<ModerationLogEntry>;
  /** Hides a post from everyone but its author. */
  hidePost(postId: string, reason: string): Promise<ModerationResult>;
  unhidePost(postId: string, reason: string): Promise<ModerationResult>;
  /** Marks a post sensitive (clients blur it); its author cannot lift a moderator's mark. */
  markSensitive(postId: string, reason: string): Promise<ModerationResult>;
  unmarkSensitive(postId: string, reason: string): Promise<ModerationResult>;
  /** Removes a comment (and with a top-level one, its thread) from every reader. */
  removeComment(commentId: string, reason: string): Promise<ModerationResult>;
  restoreComment(commentId: string, reason: string): Promise<ModerationResult>;
  /**
   * Suspends an account: its sessions end, it cannot sign in (`ACCOUNT_SUSPENDED`), and its
   * profile, posts and comments disappear for everyone until `unsuspend`.
   *
   * @example
   * ```ts
   * await client.moderation.suspend({ username: 'spammer' }, 'Spam across many posts')
   * ```
   */
  suspend(account: AccountRef, reason: string): Promise<ModerationResult>;
  unsuspend(account: AccountRef, reason: string): Promise<ModerationResult>;
  /** Resolves a target's open reports without acting on it. */
  dismiss(target: ReportTarget, reason: string): Promise<ModerationResult>;
  /**
   * Posts and comments a word filter's `hold` rule kept back, oldest first: each summarised as the
   * queue's targets are (`owner` is its author), with the rule that matched and the `holdId`.
   * To let one through, `releaseHold`; to refuse it, `hidePost` or `removeComment`.
   *
   * @example
   * ```ts
   * for await (const item of client.moderation.held()) console.log(item.holdId, item.target, item.rule.term)
   * ```
   */
  held(options?: PageOptions): Paginator<HeldContent>;
  /**
   * Releases held content: it becomes visible as its visibility allows, and followers' feeds,
   * hashtags and notifications get it now. Logged as `release_hold`; a hold released already is
   * a `NotFoundError`.
   */
  releaseHold(holdId: string, reason: string): Promise<ModerationResult>;
  /** Admins only: makes an account a `user`, `moderator` or `admin`. */
  setRole(
    account: AccountRef,
    role: UserRole,
    reason: string,
  ): Promise<{ userId: string; role: UserRole; logId: string }>;
}

export function createReportsApi(trpc: TRPCClient<AppRouter>): ReportsApi {
  return {
    create: (input) => trpc.reports.create.mutate(input),
    mine: (options = {}) => paginate((cursor) => trpc.reports.mine.query(pageInput(options, cursor)), options.cursor),
  };
}

export function createModerationApi(trpc: TRPCClient<AppRouter>): ModerationApi {
  const m = trpc.moderation;
  return {
    queue: (options = {}) =>
      paginate(
        (cursor) =>
          m.queue.query({
            ...(options.state === undefined ? {} : { state: options.state }),
            ...pageInput(options, cursor),
          }),
        options.cursor,
      ),
    show: (target) => m.show.query({ target }),
    log: (options = {}) =>
      paginate(
        (cursor) =>
          m.log.query({
            ...(options.moderatorId === undefined ? {} : { moderatorId: options.moderatorId }),
            ...(options.targetUserId === undefined ? {} : { targetUserId: options.targetUserId }),
            ...pageInput(options, cursor),
          }),
        options.cursor,
      ),
    hidePost: (id, reason) => m.hidePost.mutate({ id, reason }),
    unhidePost: (id, reason) => m.unhidePost.mutate({ id, reason }),
    markSensitive: (id, reason) => m.markSensitive.mutate({ id, reason }),
    unmarkSensitive: (id, reason) => m.unmarkSensitive.mutate({ id, reason }),
    removeComment: (id, reason) => m.removeComment.mutate({ id, reason }),
    restoreComment: (id, reason) => m.restoreComment.mutate({ id, reason }),
    suspend: (account, reason) => m.suspend.mutate({ ...account, reason }),
    unsuspend: (account, reason) => m.unsuspend.mutate({ ...account, reason }),
    dismiss: (target, reason) => m.dismiss.mutate({ target, reason }),
    held: (options = {}) => paginate((cursor) => m.held.query(pageInput(options, cursor)), options.cursor),
    releaseHold: (holdId, reason) => m.releaseHold.mutate({ holdId, reason }),
    setRole: (account, role, reason) => m.setRole.mutate({ ...account, role, reason }),
  };
}
