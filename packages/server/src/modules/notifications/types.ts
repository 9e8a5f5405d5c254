import type { PublicUser } from '../accounts/types.js';

export const NOTIFICATION_KINDS = [
  'follow',
  'follow_request',
  'follow_approved',
  'like',
  'comment',
  'reply',
  'mention',
  // Sent by moderation to the author of what a moderator acted on; the actor is the recipient
  // themselves (moderators are not named) and `note` holds the moderator's reason.
  'post_hidden',
  'post_sensitive',
  'comment_removed',
  'account_suspended',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A notification as its recipient sees it. */
export interface NotificationView {
  id: string;
  /**
   * The notification's position in its recipient's stream (it moves when a grouped like row is
   * updated): pass the newest one as `lastEventId` to `onNew` to miss nothing after a list.
   */
  eventId: string;
  kind: NotificationKind;
  /** The latest actor; for likes, the latest liker. */
  actor: PublicUser;
  /** For likes: how many people liked the post (the actor included); otherwise 1. */
  actorCount: number;
  /**
   * The post it is about, if any: always one the recipient may see (rows about others are left
   * out). `captionSnippet` is the caption's start (see `captionSnippet`), `''` without a caption.
   */
  post: { id: string; thumbnailUrl: string | null; captionSnippet: string } | null;
  commentId: string | null;
  /** The moderator's reason on the moderation kinds (`post_hidden`, …); null on the others. */
  note: string | null;
  read: boolean;
  /** When the row last changed (a new like moves it up). */
  updatedAt: string;
  createdAt: string;
}

/** A live notification as an `onNew` subscriber receives it: the SSE event id and the data. */
export interface TrackedNotification {
  id: string;
  data: NotificationView;
}
