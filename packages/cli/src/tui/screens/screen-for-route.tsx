import { useTuiState } from '../context/state.js';
import { canModerate } from '../keymap.js';
import type { Route } from '../routes.js';
import { ComposeScreen } from './compose.js';
import { ModerationScreen } from './moderation.js';
import { FeedScreen, HashtagScreen } from './feed.js';
import { NotificationsScreen } from './notifications.js';
import { PostScreen } from './post.js';
import { ProfileScreen } from './profile.js';
import { RequestsScreen } from './requests.js';
import { SearchScreen } from './search.js';
import type { ScreenProps } from './screen-props.js';

/** The screen that shows `route`. */
export function ScreenForRoute({ route, ...props }: ScreenProps & { route: Route }) {
  const { me } = useTuiState();
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
    case 'moderation':
      return canModerate(me.role) ? <ModerationScreen {...props} /> : null;
  }
}
