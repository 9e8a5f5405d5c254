import type { HandlerMap } from '../../events/types.js';
import { syncAuthorPrivacy, syncPostTags, type TagSyncDeps } from './sync.js';

/**
 * Keeps hashtags, trending rows and the caption search index in step with posts. Every handler
 * re-reads the post and replaces what it derived, so at-least-once delivery is harmless.
 */
export function createTagHandlers(deps: TagSyncDeps): HandlerMap {
  return {
    'post.created': [(event) => syncPostTags(deps, event.postId)],
    'post.updated': [
      async (event) => {
        if (event.captionChanged || event.visibilityChanged) await syncPostTags(deps, event.postId);
      },
    ],
    'post.deleted': [(event) => syncPostTags(deps, event.postId)],
    'account.privacy_changed': [(event) => syncAuthorPrivacy(deps, event.userId)],
  };
}
