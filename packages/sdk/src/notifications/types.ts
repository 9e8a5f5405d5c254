import type { RouterInputs, RouterOutputs } from '../types.js';

/** A notification: who (`actor`, the latest liker for grouped likes), what (`kind`), about which post. */
export type NotificationView = RouterOutputs['notifications']['list']['items'][number];
export type NotificationKind = NotificationView['kind'];
/** `{ ids: [...] }` or `{ all: true }`. */
export type MarkReadInput = RouterInputs['notifications']['markRead'];

/** A notification as it arrives live; its `eventId` resumes the stream (`lastEventId`). */
export type LiveNotification = NotificationView;

export interface SubscribeOptions {
  /** Stops the stream: the iterator then finishes. */
  signal?: AbortSignal | undefined;
  /**
   * Resume after this event (a notification's `eventId`): what was written since is delivered
   * first. Without it the stream starts from now.
   */
  lastEventId?: string | undefined;
}
