/**
 * Domain events: appended to the outbox (`events` table) in the same transaction as the write they
 * describe, then handed to the subscribed handlers by the dispatcher. Payloads carry ids only —
 * handlers read current state, so a replayed or late event never acts on stale data.
 */
export type DomainEvent =
  | { type: 'post.created'; postId: string; authorId: string }
  | { type: 'post.updated'; postId: string; authorId: string; visibilityChanged: boolean; captionChanged: boolean }
  | { type: 'post.deleted'; postId: string; authorId: string }
  | { type: 'follow.created'; followerId: string; followeeId: string; state: 'active' | 'pending' }
  | { type: 'follow.approved'; followerId: string; followeeId: string }
  | { type: 'follow.removed'; followerId: string; followeeId: string }
  | { type: 'block.created'; blockerId: string; blockedId: string }
  | { type: 'mute.created'; muterId: string; mutedId: string }
  | { type: 'mute.removed'; muterId: string; mutedId: string }
  | { type: 'like.created'; postId: string; userId: string; reaction: string }
  | { type: 'comment.created'; commentId: string; postId: string; authorId: string; parentId: string | null }
  | { type: 'media.ready'; mediaId: string; ownerId: string }
  | { type: 'account.privacy_changed'; userId: string }
  /** A moderator acted (`moderation_log` row `logId`): the affected user is told. */
  | { type: 'moderation.acted'; logId: string };

export type EventType = DomainEvent['type'];

/** An event as a handler receives it: with its outbox id (time-sortable) and when it happened. */
export type StoredEvent<T extends EventType = EventType> = Extract<DomainEvent, { type: T }> & {
  id: string;
  occurredAt: string;
};

/** What a handler is told besides the event. */
export interface HandlerContext {
  /**
   * Aborted when another process has taken the event over (this one stalled past its lease). A
   * long handler checks it between steps and stops writing; the new holder runs it again.
   */
  signal: AbortSignal;
}

/**
 * Handlers MUST be idempotent: the dispatcher guarantees at-least-once delivery (a crash between
 * handling and marking done replays the event; a process that stalled past its lease may still be
 * finishing a handler the new holder has started again), never exactly-once.
 */
export type EventHandler<T extends EventType = EventType> = (
  event: StoredEvent<T>,
  /** Always given by the dispatcher; optional so a test can call a handler with just an event. */
  context?: HandlerContext,
) => Promise<void>;

/**
 * Which handlers run for which event type. Each module that reacts to events returns one from its
 * `handlers.ts` (`create<Module>Handlers(deps)`); `EventDispatcher.subscribe` takes them.
 */
export type HandlerMap = { [T in EventType]?: EventHandler<T>[] };
