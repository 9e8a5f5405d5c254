import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { HandlerMap } from '../../events/types.js';
import { Fanout } from './fanout.js';
import type { FeedSettings } from '../../config/feed-settings.js';

export interface FeedHandlerDeps {
  db: Db;
  clock: Clock;
  settings: FeedSettings;
}

/**
 * Keeps home timelines in step with posts and the follow graph (see `Fanout`). Posts are pushed,
 * follows backfill, unfollows, blocks and mutes remove; each step reads current state, so a replayed
 * event changes nothing.
 */
export function createFeedHandlers(deps: FeedHandlerDeps): HandlerMap {
  const fanout = new Fanout(deps);
  return {
    'post.created': [(event, context) => fanout.pushPost(event.postId, context?.signal)],
    'post.updated': [
      async (event) => {
        if (event.visibilityChanged) await fanout.keepFollowersOnly(event.postId);
      },
    ],
    'post.deleted': [(event) => fanout.removePost(event.postId)],
    'follow.created': [
      async (event) => {
        if (event.state === 'active') await fanout.backfill(event.followerId, event.followeeId);
      },
    ],
    'follow.approved': [(event) => fanout.backfill(event.followerId, event.followeeId)],
    'follow.removed': [(event) => fanout.removeAuthor(event.followerId, event.followeeId)],
    'block.created': [
      async (event) => {
        await fanout.removeAuthor(event.blockerId, event.blockedId);
        await fanout.removeAuthor(event.blockedId, event.blockerId);
      },
    ],
    'mute.created': [(event) => fanout.removeAuthor(event.muterId, event.mutedId)],
    'mute.removed': [(event) => fanout.backfill(event.muterId, event.mutedId)],
  };
}
