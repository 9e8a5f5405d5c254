// The tables of trust and safety and of people's own data: write limits, word filters and the holds
// they make, reports and the moderation log, account exports, the media blocklist. `schema.ts`
// re-exports them and lists them in `Database`.
import type { Generated } from 'kysely';

/** One token bucket of the write limits (modules/limits): the instant, in epoch ms, it is full again. */
export interface WriteLimitsTable {
  bucket_key: string;
  full_at: number;
}

export type WordFilterAction = 'reject' | 'hold';

/** A word filter rule added with `aperture admin words add` (the file's rules are not stored). */
export interface WordFiltersTable {
  /** The term folded for matching: one rule per folded term. */
  term_key: string;
  /** The term as the operator typed it. */
  term: string;
  action: WordFilterAction;
  created_at: string;
}

/** A post or comment a `hold` rule matched, and which rule, until a moderator releases it. */
export interface ContentHoldsTable {
  id: string;
  /** `post`: held when published; `caption`: held at a caption edit; `comment`. */
  subject: 'post' | 'caption' | 'comment';
  post_id: string;
  /** Set when the subject is a comment (on `post_id`). */
  comment_id: string | null;
  author_id: string;
  rule_term: string;
  /** `file` (APERTURE_WORD_FILTER_FILE) or `admin` (`aperture admin words`). */
  rule_source: string;
  created_at: string;
  released_at: string | null;
}

export type ReportTargetKind = 'post' | 'comment' | 'user';
export type ReportReason = 'spam' | 'nudity' | 'violence' | 'harassment' | 'illegal' | 'other';

/** One reporter's report of one target; at most one open per reporter and target. */
export interface ReportsTable {
  id: string;
  reporter_id: string;
  target_kind: ReportTargetKind;
  target_id: string;
  /** The author of the reported post or comment, or the reported account. */
  target_user_id: string;
  reason: ReportReason;
  note: string;
  state: 'open' | 'resolved';
  /** A new id at each report and update: the queue's order ("newest activity first"). */
  activity_id: string;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  resolved_by_id: string | null;
  /** The moderation action that resolved it. */
  resolution: string | null;
}

/** Append-only: every moderation action. Nothing updates or deletes its rows. */
export interface ModerationLogTable {
  id: string;
  moderator_id: string;
  action: string;
  target_kind: ReportTargetKind;
  target_id: string;
  target_user_id: string;
  reason: string;
  created_at: string;
}

export type AccountExportState = 'pending' | 'building' | 'ready' | 'failed' | 'expired';

/** One archive of an account's data (docs/accounts.md), built under a lease like media processing. */
export interface AccountExportsTable {
  id: string;
  user_id: string;
  state: AccountExportState;
  /** Progress of the build: entries written of the entries the archive will hold. */
  items_done: Generated<number>;
  items_total: Generated<number>;
  attempts: Generated<number>;
  claimed_by: string | null;
  claimed_until: string | null;
  /** Where the archive is in the blob store, once ready. */
  blob_key: string | null;
  size: number | null;
  failure: string | null;
  created_at: string;
  ready_at: string | null;
  /** When a ready archive is removed, and its link stops working. */
  expires_at: string | null;
}

/** A blocked perceptual hash: uploads within the configured distance of it are refused. */
export interface MediaBlocklistTable {
  /** 16 hex digits, lower case. */
  hash: string;
  reason: string;
  /** Who added it through the API; null when added with the admin CLI. */
  added_by_id: string | null;
  /** The media it was taken from, while that media exists. */
  source_media_id: string | null;
  created_at: string;
}

/** An upload refused for matching the blocklist (kept after the refused media is collected). */
export interface MediaBlocklistRefusalsTable {
  media_id: string;
  owner_id: string;
  perceptual_hash: string;
  /** The entry it matched (which may have been removed since). */
  matched_hash: string;
  /** Differing bits between the two. */
  distance: number;
  created_at: string;
}

/** Counts changes to `media_blocklist`: processes reload their copy when it moves. */
export interface MediaBlocklistVersionTable {
  scope: string;
  version: number;
}
