import { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import type { Page, PostView } from '@aperture/sdk';
import { useChanges, withChange } from '../changes.js';
import { useTuiActions } from '../context/actions.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { oneLine, windowStart } from '../format.js';
import { usePaged } from '../hooks/use-paged.js';
import { usePostActions } from '../hooks/use-post-actions.js';
import type { ScreenKind } from '../keymap.js';
import { ListStatus } from './list-status.js';
import { PostDetail } from './post-detail.js';

/** Items this close to the end of what is loaded fetch the next page. */
const PREFETCH = 3;

/**
 * A list of posts (home feed, hashtag, search results) beside the selected one in full. Below
 * 72 columns there is no room for both, and only the selected post is shown.
 */
export function PostBrowser({
  screen,
  fetchPage,
  active,
  width,
  height,
  emptyText,
  heading,
  listsPublished,
}: {
  screen: ScreenKind;
  fetchPage: (cursor: string | undefined) => PromiseLike<Page<PostView>>;
  active: boolean;
  width: number;
  height: number;
  emptyText: string;
  heading?: string;
  /** Whether a post the viewer just published belongs first in this list (it does on Home). */
  listsPublished?: (post: PostView) => boolean;
}) {
  const { changes, open } = useTuiActions();
  const list = usePaged(fetchPage);
  const actions = usePostActions();
  const [selected, setSelected] = useState(0);
  const [photo, setPhoto] = useState(0);
  const post = list.items[Math.min(selected, list.items.length - 1)];
  const replace = (next: PostView) => list.update((p) => (p.id === next.id ? next : p));

  useEffect(() => {
    if (list.status === 'idle' && !list.done && selected >= list.items.length - PREFETCH) list.loadMore();
  }, [selected, list]);

  useChanges(changes, (change) => {
    if (change.kind === 'post') list.update((p) => withChange(p, change.post));
    else if (change.kind === 'published' && listsPublished?.(change.post)) {
      if (list.items.some((p) => p.id === change.post.id)) return;
      list.prepend(change.post);
      // A reader at the top sees the new post; one further down keeps the post they were on.
      if (list.items.length > 0) setSelected((s) => (s > 0 ? s + 1 : s));
    }
  });

  useScreenKeys(screen, active, ({ action, step }) => {
    // Functional updates: two quick presses move two rows even before a render in between.
    const move = (change: (s: number) => number) => {
      setSelected((s) => Math.max(0, Math.min(change(s), list.items.length - 1)));
      setPhoto(0);
    };
    if (action === 'down' || action === 'up') move((s) => s + step);
    else if (action === 'nextPhoto') setPhoto((p) => p + step);
    else if (action === 'refresh') {
      if (list.status === 'error') list.retry();
      else {
        list.refresh();
        move(() => 0);
      }
    } else if (post) {
      if (action === 'open') open({ kind: 'post', postId: post.id });
      else if (action === 'like') actions.toggleLike(post, replace);
      else if (action === 'comment') actions.comment(post, null, replace);
      else if (action === 'author') open({ kind: 'profile', username: post.author.username });
      else if (action === 'openVideo') actions.openVideo(post, photo);
      else if (action === 'reveal') actions.reveal(post);
    }
  });

  const split = width >= 72;
  const listWidth = split ? Math.min(36, Math.floor(width * 0.4)) : width;
  const headingRows = heading ? 1 : 0;
  const bodyHeight = height - headingRows;
  const listRows = split ? bodyHeight - 1 : 0;
  const visible = Math.max(1, Math.floor(listRows / 2));
  const first = windowStart(selected, list.items.length, visible);

  return (
    <Box flexDirection="column" width={width} height={height}>
      {heading ? (
        <Text bold wrap="truncate-end">
          {heading}
        </Text>
      ) : null}
      <Box flexDirection="row" height={bodyHeight}>
        {split ? (
          <Box flexDirection="column" width={listWidth} marginRight={1}>
            {list.items.slice(first, first + visible).map((item, offset) => {
              const isSelected = first + offset === selected;
              return (
                <Box key={item.id} flexDirection="column" height={2}>
                  <Text wrap="truncate-end" inverse={isSelected}>
                    {`${isSelected ? '›' : ' '} @${item.author.username} ${item.viewerHasLiked ? '♥' : '♡'}${item.likeCount} c${item.commentCount}${item.media.some((m) => m.kind === 'video') ? ' ▶' : ''}`}
                  </Text>
                  <Text
                    wrap="truncate-end"
                    dimColor={!isSelected}
                  >{`  ${oneLine(item.caption, listWidth - 2) || '(no caption)'}`}</Text>
                </Box>
              );
            })}
            <ListStatus
              status={list.status}
              error={list.error}
              done={list.done}
              empty={list.items.length === 0}
              emptyText={emptyText}
            />
          </Box>
        ) : null}
        <Box flexDirection="column" width={split ? width - listWidth - 1 : width}>
          {!post && list.status === 'error' ? (
            <Text
              color="red"
              wrap="wrap"
            >{`Could not load the posts: ${list.error ?? 'unknown error'}. Press r to retry.`}</Text>
          ) : null}
          {post ? (
            <PostDetail
              post={post}
              photo={photo}
              width={split ? width - listWidth - 1 : width}
              height={split ? bodyHeight : bodyHeight - 1}
            />
          ) : null}
          {!split ? (
            <ListStatus
              status={list.status}
              error={list.error}
              done={list.done}
              empty={list.items.length === 0}
              emptyText={emptyText}
            />
          ) : null}
        </Box>
      </Box>
    </Box>
  );
}
