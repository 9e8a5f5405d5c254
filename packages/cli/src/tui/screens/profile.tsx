import { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import type { Profile } from '@aperture/sdk';
import { useChanges, withChange } from '../changes.js';
import { ListStatus } from '../components/list-status.js';
import { useTuiState } from '../context/state.js';
import { useTuiActions } from '../context/actions.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { plural } from '../format.js';
import { useFollow } from '../hooks/use-follow.js';
import { usePaged } from '../hooks/use-paged.js';
import { usePostActions } from '../hooks/use-post-actions.js';
import { useRequest } from '../hooks/use-request.js';
import { Photo } from '../photo.js';
import { isCovered } from '../sensitive.js';
import type { ScreenProps } from './screen-props.js';

const CELL = { columns: 16, rows: 7 } as const;

/** A profile: header, counts, how you stand with them, and their photo grid. */
export function ProfileScreen({ username, active, width, height }: ScreenProps & { username: string }) {
  const state = useTuiState();
  const { client, me, pageSize } = state;
  const { changes, open } = useTuiActions();
  const profile = useRequest(() => client.users.profile({ username }));
  const posts = usePaged((cursor) => client.posts.byUser({ username, cursor, limit: pageSize ?? 12 }));
  const actions = usePostActions();
  const follow = useFollow();
  const [selected, setSelected] = useState(0);
  const perRow = Math.max(1, Math.floor(width / CELL.columns));
  const gridRows = Math.max(1, Math.floor((height - 5) / CELL.rows));
  const post = posts.items[selected];

  useEffect(() => {
    if (posts.status === 'idle' && !posts.done && selected >= posts.items.length - perRow) posts.loadMore();
  }, [selected, posts, perRow]);

  // The header is fetched again (its counts and relationship are the server's to say; the old one
  // stays on screen meanwhile); the grid is changed in place, keeping its pages and selection.
  useChanges(changes, (change) => {
    if (change.kind === 'post') posts.update((p) => withChange(p, change.post));
    else if (change.kind === 'follow' && change.username === username) profile.reload();
    else if (change.kind === 'published' && change.post.author.username === username) {
      profile.reload();
      if (posts.items.some((p) => p.id === change.post.id)) return;
      posts.prepend(change.post);
      if (posts.items.length > 0) setSelected((s) => (s > 0 ? s + 1 : s));
    }
  });

  useScreenKeys('profile', active, ({ action, step }) => {
    const data = profile.state.data;
    const replace = (next: typeof post & object) => posts.update((p) => (p.id === next.id ? next : p));
    if (action === 'down' || action === 'up')
      setSelected((s) => Math.max(0, Math.min(s + step, posts.items.length - 1)));
    else if (action === 'refresh') {
      profile.reload();
      posts.refresh();
    } else if (action === 'follow' && data) {
      // The header reloads on the change every screen hears; a grid may open or close.
      follow(username, data.relationship?.following ?? null, () => posts.refresh());
    } else if (post) {
      if (action === 'open') open({ kind: 'post', postId: post.id });
      else if (action === 'like') actions.toggleLike(post, replace);
      else if (action === 'comment') actions.comment(post, null, replace);
      else if (action === 'reveal') actions.reveal(post);
    }
  });

  const data = profile.state.data;
  if (!data) {
    return profile.state.status === 'error' ? (
      <Text color="red">{`Could not load @${username}: ${profile.state.error} — r retries`}</Text>
    ) : (
      <Text dimColor>loading @{username}…</Text>
    );
  }
  const firstRow = Math.max(0, Math.floor(selected / perRow) - gridRows + 1);
  const shown = posts.items.slice(firstRow * perRow, (firstRow + gridRows) * perRow);
  const rows = Array.from({ length: Math.ceil(shown.length / perRow) }, (_, r) =>
    shown.slice(r * perRow, (r + 1) * perRow),
  );
  const hidden = data.user.isPrivate && data.relationship?.following !== 'active' && data.user.id !== me.id;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text bold>{data.user.displayName || data.user.username}</Text> @{data.user.username}
        {data.user.isPrivate ? <Text dimColor> · private</Text> : null}
      </Text>
      <Text wrap="truncate-end">{data.user.bio || ' '}</Text>
      <Text wrap="truncate-end">
        {`${plural(data.counts.posts, 'post')} · ${plural(data.counts.followers, 'follower')} · ${data.counts.following} following`}
      </Text>
      <Text wrap="truncate-end" color="cyan">
        {relationshipLine(data, me.id)}
      </Text>
      {rows.map((row, r) => (
        <Box key={r} flexDirection="row" height={CELL.rows}>
          {row.map((item, c) => {
            const index = (firstRow + r) * perRow + c;
            const media = item.media[0];
            return (
              <Box key={item.id} flexDirection="column" width={CELL.columns} paddingRight={1}>
                <Box height={CELL.rows - 1}>
                  {media ? (
                    <Photo
                      media={media}
                      maxColumns={CELL.columns - 1}
                      maxRows={CELL.rows - 1}
                      covered={isCovered(item, state)}
                    />
                  ) : null}
                </Box>
                <Text wrap="truncate-end" inverse={index === selected}>
                  {`${index === selected ? '›' : ' '}${media?.kind === 'video' ? '▶' : ''}${item.viewerHasLiked ? '♥' : '♡'}${item.likeCount} c${item.commentCount}${item.media.length > 1 ? ` +${item.media.length - 1}` : ''}`}
                </Text>
              </Box>
            );
          })}
        </Box>
      ))}
      <ListStatus
        status={posts.status}
        error={posts.error}
        done={posts.done}
        empty={posts.items.length === 0}
        emptyText={hidden ? 'This account is private: follow (f) to see their photos.' : 'No posts yet.'}
      />
    </Box>
  );
}

function relationshipLine(profile: Profile, myId: string): string {
  if (profile.user.id === myId) return 'This is you.';
  const rel = profile.relationship;
  if (!rel) return '';
  const theirs = rel.followedBy === 'active' ? ' · follows you' : '';
  if (rel.blocking) return 'You block them.';
  if (rel.following === 'active') return `Following (f unfollows)${theirs}`;
  if (rel.following === 'pending') return `Requested (f withdraws the request)${theirs}`;
  return `Not following (f to follow${profile.user.isPrivate ? ': sends a request' : ''})${theirs}`;
}
