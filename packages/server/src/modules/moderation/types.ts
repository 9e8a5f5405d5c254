import type { PublicUser, UserRole as Role } from '../accounts/types.js';

export type ReportTargetKind = 'post' | 'comment' | 'user';
export type ReportReason = 'spam' | 'nudity' | 'violence' | 'harassment' | 'illegal' | 'other';

export interface ReportTarget {
  kind: ReportTargetKind;
  id: string;
}

/** What every moderation action is called in the audit log (`moderation.log`). */
export type ModerationAction =
  | 'hide_post'
  | 'unhide_post'
  | 'mark_sensitive'
  | 'unmark_sensitive'
  | 'remove_comment'
  | 'restore_comment'
  | 'suspend'
  | 'unsuspend'
  | 'dismiss'
  | 'release_hold'
  | 'set_role';

/** A report as its reporter sees it: never who else reported the same thing. */
export interface MyReport {
  id: string;
  target: ReportTarget;
  reason: ReportReason;
  note: string;
  /** `resolved` once a moderator acted on the target or dismissed its reports. */
  state: 'open' | 'resolved';
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

/** Where the target stands now, as a moderator sees it. */
export interface TargetState {
  /** Deleted by its author, or the account no longer exists. */
  gone: boolean;
  /** Posts: hidden by a moderator. */
  hidden: boolean;
  /** Posts: marked sensitive (by anyone). */
  sensitive: boolean;
  /** Comments: removed by a moderator. */
  removed: boolean;
  /** The owner's account is suspended. */
  suspended: boolean;
  /** Posts and comments: held by a word filter, visible to its author only until released. */
  held: boolean;
}

/** A reported thing, presented for moderators whatever its state (hidden, removed, suspended). */
export interface TargetSummary {
  target: ReportTarget;
  /** Whose it is: the post's or comment's author, or the account itself; null if it is gone. */
  owner: PublicUser | null;
  /** The caption, the comment's text or the account's bio, up to 280 characters. */
  text: string;
  /** For a comment: the post it is on. */
  postId: string | null;
  state: TargetState;
}

/** One target in the queue: its reports grouped. */
export interface QueueItem extends TargetSummary {
  reportCount: number;
  /** How many of the reports give each reason (reasons nobody gave are left out). */
  reasons: Partial<Record<ReportReason, number>>;
  /** The newest report or change of a report of this target. */
  lastReportedAt: string;
}

/** One report as moderators see it (with its reporter). */
export interface ReportView {
  id: string;
  reporter: PublicUser | null;
  reason: ReportReason;
  note: string;
  state: 'open' | 'resolved';
  /** The action that resolved it. */
  resolution: ModerationAction | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

export interface LogEntry {
  id: string;
  moderator: PublicUser | null;
  action: ModerationAction;
  target: ReportTarget;
  targetUserId: string;
  reason: string;
  createdAt: string;
}

/** A word filter's hold on a post or comment, waiting for a moderator. */
export interface PendingHold {
  /** What `moderation.releaseHold` takes. */
  holdId: string;
  /** `post`: held when it was published; `caption`: held at a caption edit; `comment`. */
  subject: 'post' | 'caption' | 'comment';
  /** The term that matched, as its rule writes it, and where the rule lives. */
  rule: { term: string; source: 'file' | 'admin' };
  heldAt: string;
}

/** Held content in `moderation.held`: the post or comment as the queue shows targets, and its hold. */
export interface HeldContent extends TargetSummary, PendingHold {}

export interface TargetDetail extends TargetSummary {
  /** The holds keeping it from everyone but its author (empty unless `state.held`). */
  holds: PendingHold[];
  /** Every report of it, newest first (the latest 200). */
  reports: ReportView[];
  /** What moderators did to it, newest first (the latest 50). */
  log: LogEntry[];
}

/** What an action answers with: the target as it now stands and how many open reports it closed. */
export interface ActionResult extends TargetSummary {
  resolvedReports: number;
  logId: string;
}

/** `moderation.setRole`'s answer. */
export interface RoleChange {
  userId: string;
  role: Role;
  logId: string;
}
