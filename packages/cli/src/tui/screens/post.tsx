import { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import { CommentThread } from '../components/comment-thread.js';
import { useChanges, withChange } from '../changes.js';
import { ListStatus } from '../components/list-status.js';
import { PostDetail } from '../components/post-detail.js';
import { useTuiState } from '../context/state.js';
import { useTuiActions } from '../context/actions.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { windowStart } from '../format.js';
import { useFollow } from '../hooks/use-follow.js';
import { usePaged } from '../hooks/use-paged.js';
import { usePostActions } from '../hooks/use-post-actions.js';
import { useRequest } from '../hooks/use-request.js';
import type { ScreenProps } from './screen-props.js';

/** A post with its photos, caption and counts, and its comments with their replies. */
export function PostScreen({ postId, active, width, height }: ScreenProps & { postId: string }) {
  const { client, pageSize } = useTuiState();
  const { changes, open } = useTuiActions();
  const post = useRequest(() => client.posts.get(postId));
  const comments = usePaged((cursor) => client.comments.list(postId, { cursor, limit: pageSize ?? 10 }));
  const actions = usePostActions();
  const follow = useFollow();
  // -1 is the post itself: `c` then comments on it; on a comment, `c` replies to it.
  const [selected, setSelected] = useState(-1);
  const [photo, setPhoto] = useState(0);

  useEffect(() => {
    client.posts.view(postId).catch(() => undefined);
  }, [client, postId]);
  // Liked or commented on from a screen opened above this one (its author's grid, say).
  useChanges(changes, (change) => {
    const shown = post.state.data;
    if (change.kind === 'post' && shown && change.post.id === postId) post.set(withChange(shown, change.post));
  });
  useEffect(() => {
    if (comments.status === 'idle' && !comments.done && selected >= comments.items.length - 2) comments.loadMore();
  }, [selected, comments]);

  useScreenKeys('post', active, ({ action, step }) => {
    const data = post.state.data;
    if (action === 'down' || action === 'up')
      setSelected((s) => Math.max(-1, Math.min(s + step, comments.items.length - 1)));
    else if (action === 'nextPhoto') setPhoto((p) => p + step);
    else if (action === 'refresh') {
      post.reload();
      comments.refresh();
    } else if (data) {
      const selectedComment = comments.items[selected];
      if (action === 'like') actions.toggleLike(data, post.set);
      else if (action === 'comment') {
        actions.comment(data, selectedComment?.id ?? null, (next) => {
          post.set(next);
          comments.refresh();
        });
      } else if (action === 'author' || (action === 'open' && selectedComment)) {
        open({
          kind: 'profile',
          username: selectedComment && action === 'open' ? selectedComment.author.username : data.author.username,
        });
      } else if (action === 'follow') follow(data.author.username, null);
      else if (action === 'openVideo') actions.openVideo(data, photo);
      else if (action === 'reveal') actions.reveal(data);
    }
  });

  const data = post.state.data;
  if (!data) {
    return post.state.status === 'error' ? (
      <Text color="red">{`Could not load the post: ${post.state.error} — r retries`}</Text>
    ) : (
      <Text dimColor>loading the post…</Text>
    );
  }
  const split = width >= 72;
  const photoWidth = split ? Math.floor(width / 2) : width;
  const photoHeight = split ? height : Math.floor(height / 2);
  const sideWidth = split ? width - photoWidth - 1 : width;
  const sideRows = split ? height : height - photoHeight;
  const visible = Math.max(1, Math.floor((sideRows - 3) / 2));
  const first = windowStart(Math.max(0, selected), comments.items.length, visible);
  return (
    <Box flexDirection={split ? 'row' : 'column'} width={width} height={height}>
      <Box marginRight={split ? 1 : 0}>
        <PostDetail post={data} photo={photo} width={photoWidth} height={photoHeight} captionRows={split ? 1 : 2} />
      </Box>
      <Box flexDirection="column" width={sideWidth} height={sideRows} overflow="hidden">
        <Box height={2} overflow="hidden">
          <Text wrap="wrap" inverse={selected === -1}>
            {data.caption || '(no caption)'}
          </Text>
        </Box>
        <Text dimColor wrap="truncate-end">
          {data.commentsEnabled
            ? `Comments (${data.commentCount}) · c comments · j/k picks one to reply to`
            : 'Comments are off'}
        </Text>
        {comments.items.slice(first, first + visible).map((comment, offset) => (
          <CommentThread
            key={`${comment.id}:${comment.replyCount}`}
            comment={comment}
            selected={first + offset === selected}
            width={sideWidth}
          />
        ))}
        <ListStatus
          status={comments.status}
          error={comments.error}
          done={comments.done}
          empty={comments.items.length === 0}
          emptyText="No comments yet."
        />
        {post.state.status === 'error' ? <Text color="red">{`refresh failed: ${post.state.error}`}</Text> : null}
      </Box>
    </Box>
  );
}
