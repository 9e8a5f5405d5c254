import { createContext, useContext } from 'react';
import type { LiveNotification } from '@aperture/sdk';
import type { ChangeFeed } from '../changes.js';
import type { ResolvedKey, ScreenKind } from '../keymap.js';
import type { Route } from '../routes.js';

/** A one-line text question at the bottom of the screen (comment, search, caption…). */
export interface PromptRequest {
  label: string;
  initial?: string;
  onSubmit: (value: string) => void;
}

/** What a screen does with a key the keymap resolved for it (move, open, like…). */
export type ScreenKeyHandler = (key: ResolvedKey) => void;

/**
 * What screens call to change the app. The value is made once per app and never changes, so a
 * component that only calls actions never re-renders because of them, and effects may depend on
 * them freely.
 */
export interface TuiActions {
  /** Pushes a screen; esc comes back to this one as it was. */
  open: (route: Route) => void;
  ask: (prompt: PromptRequest) => void;
  /** A short message in the status line (what an action did, or why it failed). */
  flash: (message: string) => void;
  /** Sets the screen's key handler (null removes it); screens call it through useScreenKeys(). */
  setKeyHandler: (screen: ScreenKind, handler: ScreenKeyHandler | null) => void;
  clearUnread: () => void;
  /** Shows a sensitive post uncovered from now on, on every screen (until the app closes). */
  reveal: (postId: string) => void;
  /** Subscribes to live notifications; returns the unsubscribe function. */
  onLive: (listener: (notification: LiveNotification) => void) => () => void;
  /** What screens changed (a like, a comment, a new post, a follow), for the screens beneath. */
  changes: ChangeFeed;
}

export const TuiActionsContext = createContext<TuiActions | null>(null);

export function useTuiActions(): TuiActions {
  const actions = useContext(TuiActionsContext);
  if (!actions) throw new Error('useTuiActions() outside <App>');
  return actions;
}
