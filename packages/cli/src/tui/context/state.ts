import { createContext, useContext } from 'react';
import type { ApertureClient, PrivateUser } from '@aperture/sdk';
import type { ImageCache, TerminalImageSupport } from '../../images/index.js';
import type { UrlOpener } from '../../open-url.js';

/** What the app is given: a signed-in client, who that is, and how to draw photos. */
export interface TuiServices {
  client: ApertureClient;
  me: PrivateUser;
  images: { support: TerminalImageSupport; cache: ImageCache };
  /** What `o` opens a video's URL with (the system's player); null shows the URL instead. */
  opener: UrlOpener | null;
  /** Items per page of every list (the server's default is 20). */
  pageSize?: number;
}

/**
 * What screens read: the services the app was opened with (the same for its whole life) and the
 * little it tracks across screens. A new value re-renders its readers; what they call lives in
 * the actions context, whose value never changes.
 */
export interface TuiState extends TuiServices {
  /** Notifications not yet seen: the count at start, plus one per live one, 0 once the list is opened. */
  unread: number;
  /** Sensitive posts the viewer asked to see (`v`) in this session: drawn uncovered everywhere. */
  revealed: ReadonlySet<string>;
}

export const TuiStateContext = createContext<TuiState | null>(null);

export function useTuiState(): TuiState {
  const state = useContext(TuiStateContext);
  if (!state) throw new Error('useTuiState() outside <App>');
  return state;
}
