import { useEffect, useRef } from 'react';
import type { FollowStatus, PostView } from '@aperture/sdk';

/**
 * What one screen changed that screens further down the stack may be showing. Screens stay mounted
 * while they are covered (esc shows them as they were), so each one that shows a post, a grid or a
 * relationship listens and updates its own copy in place: the list keeps its pages, selection and
 * scroll, nothing flashes, and no request is made. Refetching on return would reset a paged list
 * to its first page and redraw it from "loading". The values carried are the server's answers
 * (the like count a like returned, the post a publish returned), not guesses.
 */
export type Change =
  /** A post's counts or the viewer's like changed: replace the copies with this one. */
  | { kind: 'post'; post: PostView }
  /** The viewer published a post: lists it belongs in put it first. */
  | { kind: 'published'; post: PostView }
  /** The viewer's follow of `username` is now `state`. */
  | { kind: 'follow'; username: string; state: FollowStatus };

export type ChangeListener = (change: Change) => void;

/** Delivers each change to every screen that listens, the one that made it included. */
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();

  emit(change: Change): void {
    for (const listener of [...this.listeners]) listener(change);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Calls `listener` with every change while the component is mounted. The newest `listener` is the
 * one called, so it sees the screen's latest state.
 */
export function useChanges(feed: ChangeFeed, listener: ChangeListener): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => feed.subscribe((change) => latest.current(change)), [feed]);
}

/** A list's copy of a post with the counts and like state of `next`, when it is the same post. */
export function withChange(item: PostView, next: PostView): PostView {
  return item.id === next.id ? { ...item, ...next } : item;
}
