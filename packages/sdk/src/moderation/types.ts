import type { RouterInputs, RouterOutputs } from '../types.js';

/** What a report is about: a post, a comment or an account, by id. */
export type ReportTarget = RouterInputs['reports']['create']['target'];
/** Why: `spam`, `nudity`, `violence`, `harassment`, `illegal` or `other`. */
export type ReportReason = RouterInputs['reports']['create']['reason'];
/** What `reports.create` takes: the target, the reason and an optional note (≤ 1,000 characters). */
export type CreateReportInput = RouterInputs['reports']['create'];
/** One of your reports and its state (`open`, or `resolved` once a moderator acted). */
export type MyReport = RouterOutputs['reports']['create'];
/** A reported target in the moderators' queue, its reports counted by reason. */
export type QueueItem = RouterOutputs['moderation']['queue']['items'][number];
/** One target as moderators see it, with every report of it and the actions taken. */
export type TargetDetail = RouterOutputs['moderation']['show'];
/** A report as moderators see it, reporter included. */
export type ReportView = TargetDetail['reports'][number];
/** One row of the append-only audit log. */
export type ModerationLogEntry = RouterOutputs['moderation']['log']['items'][number];
/** The name of a moderation action in the audit log (`hide_post`, `suspend`, …). */
export type ModerationAction = ModerationLogEntry['action'];
/** What every moderation action answers: the target as it now stands and the reports it resolved. */
export type ModerationResult = RouterOutputs['moderation']['hidePost'];
/** An account's role: `user`, `moderator` or `admin`. */
export type UserRole = RouterInputs['moderation']['setRole']['role'];
/** An account by id or by username (a suspended account is found by either). */
export type AccountRef = { userId: string; username?: never } | { username: string; userId?: never };
/** A post or comment a word filter held (visible to its author only), with the rule that matched. */
export type HeldContent = RouterOutputs['moderation']['held']['items'][number];
/** A word filter's hold as `moderation.show` lists it on a held target. */
export type PendingHold = TargetDetail['holds'][number];
