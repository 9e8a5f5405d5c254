import { Box, Text } from 'ink';
import type { UserRole } from '@aperture/sdk';
import type { Route } from '../routes.js';
import { footerHints, type ScreenKind } from '../keymap.js';

const TITLES: Record<Route['kind'], (route: Route) => string> = {
  feed: () => 'Home',
  post: () => 'Post',
  profile: (r) => (r.kind === 'profile' ? `@${r.username}` : 'Profile'),
  hashtag: (r) => (r.kind === 'hashtag' ? `#${r.tag}` : 'Hashtag'),
  search: (r) => (r.kind === 'search' ? `Search “${r.query}”` : 'Search'),
  notifications: () => 'Notifications',
  requests: () => 'Follow requests',
  compose: () => 'New post',
  moderation: () => 'Moderation',
};

function Header({ route, me, unread, width }: { route: Route; me: string; unread: number; width: number }) {
  return (
    <Box width={width} justifyContent="space-between">
      <Text wrap="truncate-end">
        <Text bold color="magenta">
          Aperture
        </Text>
        <Text dimColor> @{me} › </Text>
        <Text bold>{TITLES[route.kind](route)}</Text>
      </Text>
      {unread > 0 ? (
        <Text color="black" backgroundColor="yellow">
          {` ${unread} new `}
        </Text>
      ) : (
        <Text dimColor>no new notifications</Text>
      )}
    </Box>
  );
}

function Footer({ screen, role, width }: { screen: ScreenKind; role: UserRole; width: number }) {
  return (
    <Box width={width}>
      <Text dimColor wrap="truncate-end">
        {footerHints(screen, role)}
      </Text>
    </Box>
  );
}

export const Chrome = { Header, Footer };
