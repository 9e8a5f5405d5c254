import type { Route } from '../context.js';
import { ComposeScreen } from './compose.js';
import { FeedScreen, HashtagScreen } from './feed.js';
import { NotificationsScreen } from './notifications.js';
import { PostScreen } from './post.js';
import { ProfileScreen } from './profile.js';
import { RequestsScreen } from './requests.js';
import { SearchScreen } from './search.js';

export interface ScreenProps {
  active: boolean;
  width: number;
  height: number;
}

/** A stable identity for a route, so that a screen keeps its state while it is in the stack. */
export function routeKey(route: Route): string {
  switch (route.kind) {
    case 'post':
      return `post:${route.postId}`;
    case 'profile':
      return `profile:${route.username}`;
    case 'hashtag':
      return `hashtag:${route.tag}`;
    case 'search':
      return `search:${route.query}`;
    default:
      return route.kind;
  }
}

export function Screen({ route, ...props }: ScreenProps & { route: Route }) {
  switch (route.kind) {
    case 'feed':
      return <FeedScreen {...props} />;
    case 'hashtag':
      return <HashtagScreen tag={route.tag} {...props} />;
    case 'post':
      return <PostScreen postId={route.postId} {...props} />;
    case 'profile':
      return <ProfileScreen username={route.username} {...props} />;
    case 'search':
      return <SearchScreen query={route.query} {...props} />;
    case 'notifications':
      return <NotificationsScreen {...props} />;
    case 'requests':
      return <RequestsScreen {...props} />;
    case 'compose':
      return <ComposeScreen {...props} />;
  }
}
