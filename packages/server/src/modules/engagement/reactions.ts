/**
 * The reactions a like can carry. A small fixed set, so clients can ship an icon for each; the
 * list is part of the public API (append only: stored likes keep their reaction forever).
 */
export const REACTIONS = ['like', 'love', 'haha', 'wow', 'sad', 'fire'] as const;

export type Reaction = (typeof REACTIONS)[number];

export const DEFAULT_REACTION: Reaction = 'like';
