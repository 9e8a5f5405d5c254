import { createContext, useContext, useRef } from 'react';
import type { ApertureClient, LiveNotification, PrivateUser } from '@aperture/sdk';
import type { ImageCache, TerminalImageSupport } from '../images/index.js';
import type { ChangeFeed } from './changes.js';
import type { ResolvedKey, ScreenKind } from './keymap.js';

/** Where the app is; the app keeps a stack of them (enter pushes, esc pops). */
export type Route =
  | { kind: 'feed' }
  | { kind: 'post'; postId: string }
  | { kind: 'profile'; username: string }
  | { kind: 'hashtag'; tag: string }
  | { kind: 'search'; query: string }
  | { kind: 'notifications' }
  | { kind: 'requests' }
  | { kind: 'compose' };

/** What the app is given: a signed-in client, who that is, and how to draw photos. */
export interface TuiServices {
  client: ApertureClient;
  me: PrivateUser;
  images: { support: TerminalImageSupport; cache: ImageCache };
  /** Items per page of every list (the server's default is 20). */
  pageSize?: number;
}

/** A one-line text question at the bottom of the screen (comment, search, caption…). */
export interface PromptRequest {
  label: string;
  initial?: string;
  onSubmit: (value: string) => void;
}

export type ActionHandler = (key: ResolvedKey) => void;

export interface Tui extends TuiServices {
  open: (route: Route) => void;
  ask: (prompt: PromptRequest) => void;
  /** A short message in the status line (what an action did, or why it failed). */
  flash: (message: string) => void;
  /** The active screen's key handler; screens set it with useActions(). */
  setHandler: (screen: ScreenKind, handler: ActionHandler | null) => void;
  unread: number;
  clearUnread: () => void;
  /** Subscribes to live notifications; returns the unsubscribe function. */
  onLive: (listener: (notification: LiveNotification) => void) => () => void;
  /** What screens changed (a like, a comment, a new post, a follow), for the screens beneath. */
  changes: ChangeFeed;
}

export const TuiContext = createContext<Tui | null>(null);

export function useTui(): Tui {
  const tui = useContext(TuiContext);
  if (!tui) throw new Error('useTui() outside <App>');
  return tui;
}

/**
 * Makes `handler` receive the screen actions (move, open, like…) while the screen is on top. The
 * handler is read at key time, so it always sees the screen's latest state.
 */
export function useActions(screen: ScreenKind, active: boolean, handler: ActionHandler): void {
  const tui = useTui();
  const latest = useRef(handler);
  // Updated during render, not in an effect: Ink may run passive effects only at the next render,
  // and a key pressed before that would reach a handler that has not seen the latest data.
  latest.current = handler;
  const forward = useRef<ActionHandler>((key) => latest.current(key));
  if (active) tui.setHandler(screen, forward.current);
}
