import type { PostView } from '@aperture/sdk';
import type { TuiState } from './context/state.js';

/**
 * Whether a post is drawn covered: marked sensitive (by its author or a moderator), and the viewer
 * neither turned on "always show sensitive media" (`aperture settings --show-sensitive on`) nor
 * pressed `v` on it. The server's docs ask every client to respect `sensitive` this way.
 */
export function isCovered(post: Pick<PostView, 'id' | 'sensitive'>, state: Pick<TuiState, 'me' | 'revealed'>): boolean {
  return post.sensitive && !state.me.showSensitive && !state.revealed.has(post.id);
}

/** Said on a covered photo; the short one where the long one does not fit (a profile grid's cell). */
export const COVER_LABEL = 'sensitive — press v to view';
export const COVER_LABEL_SHORT = 'sensitive · v';
