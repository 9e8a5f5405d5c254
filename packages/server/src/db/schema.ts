/**
 * Row types as the application sees them, identical on SQLite and Postgres:
 * - ids (BIGINT) are decimal strings;
 * - timestamps are ISO-8601 strings (`timestamptz` on Postgres, TEXT on SQLite);
 * - flags are integers 0/1, and other integers are numbers.
 * The dialect adapter in `connect.ts` makes both drivers return exactly these shapes.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  WriteLimitsTable,
  WordFiltersTable,
  ContentHoldsTable,
  ReportsTable,
  ModerationLogTable,
  AccountExportsTable,
  MediaBlocklistTable,
  MediaBlocklistRefusalsTable,
  MediaBlocklistVersionTable,
} from './schema-safety.js';

export type * from './schema-safety.js';

export interface UsersTable {
  id: string;
  username: string;
  /** Lower-cased username: the unique key, so `Ana` and `ana` cannot both exist. */
  username_key: string;
  email: string;
  /** Lower-cased email: the unique key. */
  email_key: string;
  password_hash: string;
  display_name: string;
  bio: string;
  is_private: Generated<number>;
  created_at: string;
  updated_at: string;
  last_active_at: string;
  avatar_media_id: Generated<string | null>;
  follower_count: Generated<number>;
  following_count: Generated<number>;
  post_count: Generated<number>;
  timeline_rebuilt_at: Generated<string | null>;
  /** The primary's WAL position after the user's latest write (`X/Y`); set only with a read replica. */
  last_write_lsn: Generated<string | null>;
  /** What the account may do beyond its own content (see docs/moderation.md). */
  role: Generated<UserRole>;
  /** Suspended by a moderator: no sign-in, and the account and its content hidden from everyone. */
  suspended_at: Generated<string | null>;
  /** Deleted by its owner: hidden at once (with `suspended_at`), removed after `purge_after`. */
  deleted_at: Generated<string | null>;
  purge_after: Generated<string | null>;
  /** Purged: the row is a tombstone keeping the username reserved until `release_username_after`. */
  purged_at: Generated<string | null>;
  release_username_after: Generated<string | null>;
  /** 1: the account sees sensitive media at once; 0: clients cover it until asked (a user setting). */
  show_sensitive: Generated<number>;
}

export type UserRole = 'user' | 'moderator' | 'admin';

export interface SessionsTable {
  id: string;
  user_id: string;
  /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
  token_hash: string;
  user_agent: string | null;
  ip: string | null;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** Failed sign-in attempts per normalised username, known or not (so both look alike). */
export interface LoginThrottleTable {
  username_key: string;
  failures: number;
  last_failure_at: string;
  locked_until: string | null;
}

export type MediaStatusColumn = 'pending' | 'processing' | 'ready' | 'failed';

export interface MediaTable {
  id: string;
  owner_id: string;
  status: MediaStatusColumn;
  failure_code: string | null;
  failure_reason: string | null;
  sha256: string;
  size: number;
  /** Declared by the uploader; the served type is always the one Aperture encoded. */
  content_type: string;
  filename: string | null;
  /** The verified original, kept private so derivatives can be rebuilt. */
  original_key: string;
  keep_location: number;
  format: string | null;
  width: number | null;
  height: number | null;
  thumbhash: string | null;
  dominant_color: string | null;
  /** JSON of ExifFacts. */
  exif: string | null;
  gps_lat: number | null;
  gps_lng: number | null;
  /** JSON: `{ "<variant>.<ext>": { width, height, size, etag } }` of every stored derivative. */
  derivatives: string | null;
  attempts: Generated<number>;
  /** Processing lease: a worker owns the row until then, renewing it while it works; a crash lets it lapse. */
  claimed_until: string | null;
  /** The lease holder (`node-<id>`, plus a random suffix when the node id is not pinned); null when free. */
  claimed_by: Generated<string | null>;
  /** Set by `aperture admin reprocess`: rebuild the derivatives while the old ones keep serving. */
  reprocess_requested_at: string | null;
  created_at: string;
  updated_at: string;
  ready_at: string | null;
  /** When a post or avatar first used it; unattached media is collected after a grace period. */
  attached_at: string | null;
  /** Video facts (null for photos), read by ffprobe when the video is processed. */
  duration_ms: number | null;
  fps: number | null;
  video_codec: string | null;
  audio_codec: string | null;
  has_audio: number | null;
  /** 0–100 while a video is transcoded; null for photos. */
  progress: number | null;
  /** 64-bit pHash of the photo or the video's poster, 16 hex digits; null until processed. */
  perceptual_hash: Generated<string | null>;
}

export interface UploadsTable {
  id: string;
  media_id: string;
  owner_id: string;
  blob_key: string;
  mode: 'single' | 'multipart';
  /** The blob store's multipart upload id. */
  blob_upload_id: string | null;
  part_size: number;
  size: number;
  status: 'pending' | 'completed' | 'failed' | 'expired';
  expires_at: string;
  created_at: string;
  completed_at: string | null;
}

export type PostVisibility = 'public' | 'followers';

export interface PostsTable {
  id: string;
  author_id: string;
  caption: string;
  location_name: string | null;
  location_lat: number | null;
  location_lng: number | null;
  visibility: PostVisibility;
  comments_enabled: Generated<number>;
  like_count: Generated<number>;
  comment_count: Generated<number>;
  /** Views flushed from the processes' in-memory counters (see modules/views). */
  view_count: Generated<number>;
  created_at: string;
  updated_at: string;
  /** Soft delete: the post disappears from every read at once; cleanup follows. */
  deleted_at: string | null;
  /** Hidden by moderation: visible to its author only. */
  hidden_at: string | null;
  /** Held by a word filter until a moderator releases it (`content_holds`): visible to its author only. */
  held_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** 1 when the author or a moderator marked it sensitive: clients blur it until asked. */
  sensitive: Generated<number>;
  /** When the asynchronous cleanup of a deleted post finished. */
  cleaned_at: string | null;
  /** 1 once fan-out pushed it into followers' timelines; 0 posts are pulled by readers. */
  pushed: Generated<number>;
}

export interface PostMediaTable {
  post_id: string;
  media_id: string;
  /** 0-based order in the carousel. */
  position: number;
}

export interface FollowsTable {
  id: string;
  follower_id: string;
  followee_id: string;
  /** `pending` while a private account has not approved the request. */
  state: 'active' | 'pending';
  created_at: string;
  updated_at: string;
}

export interface BlocksTable {
  blocker_id: string;
  blocked_id: string;
  created_at: string;
}

export interface MutesTable {
  muter_id: string;
  muted_id: string;
  created_at: string;
}

export interface LikesTable {
  id: string;
  post_id: string;
  user_id: string;
  reaction: string;
  created_at: string;
}

export interface CommentsTable {
  id: string;
  post_id: string;
  author_id: string;
  /** Replies point at a top-level comment: one level, as on Instagram. */
  parent_id: string | null;
  body: string;
  reply_count: Generated<number>;
  created_at: string;
  deleted_at: string | null;
  /** Held by a word filter until a moderator releases it (`content_holds`): visible to its author only. */
  held_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** Removed by a moderator (the author's own delete is `deleted_at`). */
  removed_at: Generated<string | null>;
}

export interface IdempotencyKeysTable {
  user_id: string;
  idem_key: string;
  /** Hash of the request's parameters: a reused key with other parameters is an error. */
  request_hash: string;
  post_id: string;
  created_at: string;
}

export interface EventsTable {
  id: string;
  type: string;
  /** JSON of the DomainEvent without its type. */
  payload: string;
  /** `pending` → `done`, or `parked` after too many failed attempts (see `aperture admin events`). */
  status: 'pending' | 'done' | 'parked';
  attempts: Generated<number>;
  /** Not before: retries back off by pushing this forward. */
  available_at: string;
  /** A dispatcher owns a claimed event until then, renewing it while it works; a crash lets it lapse. */
  locked_until: string | null;
  /** The lease holder, as `media.claimed_by`; null when free. */
  locked_by: Generated<string | null>;
  last_error: string | null;
  created_at: string;
  processed_at: string | null;
}

/** Materialised home feeds: one row per (reader, post) pushed by fan-out. */
export interface TimelineTable {
  user_id: string;
  post_id: string;
  author_id: string;
}

/** Hashtags by normalised name (NFKC, case-folded). */
export interface TagsTable {
  id: string;
  name: string;
  /** Public posts using the tag: micro-batched increments, so it may lag by a few seconds. */
  post_count: Generated<number>;
  created_at: string;
}

/** One row per (post, hashtag), replaced whenever the caption or visibility changes. */
export interface PostTagsTable {
  post_id: string;
  tag_id: string;
  author_id: string;
  /** The post's creation time, so trending reads a time range of one index. */
  created_at: string;
  /** 1 when the post was public and its author's account was not private. */
  is_public: number;
}

/*
 * `post_search` (caption full-text index) is dialect-specific — an FTS5 virtual table on SQLite, a
 * tsvector table on Postgres — and is only queried with raw SQL in `modules/posts/text-index.ts`.
 */

/** One row per (recipient, kind, subject); likes on a post share one row, updated per like. */
export interface NotificationsTable {
  id: string;
  recipient_id: string;
  kind: string;
  /** What makes the row unique for its recipient and kind (a user, post or comment id). */
  subject_key: string;
  /** The latest actor (for grouped likes, the latest liker). */
  actor_id: string;
  post_id: string | null;
  comment_id: string | null;
  /** Distinct actors behind the row (likes), else 1. */
  actor_count: Generated<number>;
  /** Bumped (a new id) whenever the row changes: the list order and the live stream's event id. */
  seq_id: string;
  read_at: string | null;
  created_at: string;
  updated_at: string;
  /** The moderator's reason, on the kinds moderation sends (`post_hidden`, …); else null. */
  note: Generated<string | null>;
}

/** A snowflake node id's lease (see migration 0011 and `db/node-leases.ts`). */
export interface NodeLeasesTable {
  node: number;
  /** Claims of this node id so far; part of the holder name. */
  generation: number;
  /** `node-<node>.<generation>` while held; null once released. */
  holder: string | null;
  host: string | null;
  /** Host name, pid namespace and boot id: equal only for processes that can see each other's pids. */
  machine: string | null;
  pid: number | null;
  role: string | null;
  claimed_at: string | null;
  /** The lease lapses at this time unless renewed; null once released. */
  expires_at: string | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  media: MediaTable;
  uploads: UploadsTable;
  posts: PostsTable;
  post_media: PostMediaTable;
  follows: FollowsTable;
  blocks: BlocksTable;
  mutes: MutesTable;
  likes: LikesTable;
  comments: CommentsTable;
  idempotency_keys: IdempotencyKeysTable;
  events: EventsTable;
  timeline: TimelineTable;
  tags: TagsTable;
  post_tags: PostTagsTable;
  notifications: NotificationsTable;
  node_leases: NodeLeasesTable;
  write_limits: WriteLimitsTable;
  word_filters: WordFiltersTable;
  content_holds: ContentHoldsTable;
  reports: ReportsTable;
  moderation_log: ModerationLogTable;
  account_exports: AccountExportsTable;
  media_blocklist: MediaBlocklistTable;
  media_blocklist_refusals: MediaBlocklistRefusalsTable;
  media_blocklist_version: MediaBlocklistVersionTable;
}

export type PostRow = Selectable<PostsTable>;
export type CommentRow = Selectable<CommentsTable>;

export type MediaRow = Selectable<MediaTable>;
export type UploadRow = Selectable<UploadsTable>;

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
