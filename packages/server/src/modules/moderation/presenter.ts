import type { Selectable } from 'kysely';
import type { CommentRow, ModerationLogTable, PostRow, ReportsTable } from '../../db/schema.js';
import type { PublicUserRow } from '../accounts/load-users.js';
import { presentPublicUser, type AvatarUrls } from '../accounts/presenter.js';
import type { HeldItem } from '../word-filters/types.js';
import type {
  LogEntry,
  ModerationAction,
  MyReport,
  PendingHold,
  ReportTarget,
  ReportView,
  TargetSummary,
} from './types.js';

export type ReportRow = Selectable<ReportsTable>;
export type LogRow = Selectable<ModerationLogTable>;

/** Characters of a caption, comment or bio a moderator sees in a list. */
const TEXT_PREVIEW = 280;

export function targetKey(target: ReportTarget): string {
  return `${target.kind}:${target.id}`;
}

export function presentMyReport(row: ReportRow): MyReport {
  return {
    id: row.id,
    target: { kind: row.target_kind, id: row.target_id },
    reason: row.reason,
    note: row.note,
    state: row.state,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    resolvedAt: row.resolved_at,
  };
}

export function presentReport(row: ReportRow, users: Map<string, PublicUserRow>, avatarUrls: AvatarUrls): ReportView {
  const reporter = users.get(row.reporter_id);
  return {
    id: row.id,
    reporter: reporter ? presentPublicUser(reporter, avatarUrls) : null,
    reason: row.reason,
    note: row.note,
    state: row.state,
    resolution: row.resolution as ModerationAction | null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    resolvedAt: row.resolved_at,
  };
}

export function presentLogEntry(row: LogRow, users: Map<string, PublicUserRow>, avatarUrls: AvatarUrls): LogEntry {
  const moderator = users.get(row.moderator_id);
  return {
    id: row.id,
    moderator: moderator ? presentPublicUser(moderator, avatarUrls) : null,
    action: row.action as ModerationAction,
    target: { kind: row.target_kind, id: row.target_id },
    targetUserId: row.target_user_id,
    reason: row.reason,
    createdAt: row.created_at,
  };
}

/** The rows a summary is built from: the target's own row (if it still exists) and its owner's. */
export interface TargetRows {
  post?: PostRow | undefined;
  comment?: CommentRow | undefined;
  owner: PublicUserRow | undefined;
}

export function presentSummary(target: ReportTarget, rows: TargetRows, avatarUrls: AvatarUrls): TargetSummary {
  const { post, comment, owner } = rows;
  const text = post?.caption ?? comment?.body ?? (target.kind === 'user' ? owner?.bio : undefined) ?? '';
  return {
    target,
    owner: owner ? presentPublicUser(owner, avatarUrls) : null,
    text: text.length > TEXT_PREVIEW ? `${text.slice(0, TEXT_PREVIEW - 1)}…` : text,
    postId: comment?.post_id ?? null,
    state: {
      gone:
        owner === undefined ||
        (target.kind === 'post' && (post === undefined || post.deleted_at !== null)) ||
        (target.kind === 'comment' && (comment === undefined || comment.deleted_at !== null)),
      hidden: post !== undefined && post.hidden_at !== null,
      sensitive: post !== undefined && post.sensitive !== 0,
      removed: comment !== undefined && comment.removed_at !== null,
      suspended: owner !== undefined && owner.suspended_at !== null,
      held: (post !== undefined && post.held_at !== null) || (comment !== undefined && comment.held_at !== null),
    },
  };
}

export function presentPendingHold(hold: HeldItem): PendingHold {
  return { holdId: hold.id, subject: hold.subject, rule: hold.rule, heldAt: hold.createdAt };
}

/** The target a hold keeps back: its comment, or its post (held when published, or at a caption edit). */
export function heldTarget(hold: HeldItem): ReportTarget {
  return hold.commentId === null ? { kind: 'post', id: hold.postId } : { kind: 'comment', id: hold.commentId };
}
