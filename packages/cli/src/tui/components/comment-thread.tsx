import { Box, Text } from 'ink';
import type { CommentView } from '@aperture/sdk';
import { useTuiState } from '../context/state.js';
import { ago } from '../format.js';
import { useRequest } from '../hooks/use-request.js';

/** A top-level comment and (the first page of) its replies, indented. */
export function CommentThread({
  comment,
  selected,
  width,
}: {
  comment: CommentView;
  selected: boolean;
  width: number;
}) {
  const { client } = useTuiState();
  const replies = useRequest(async () =>
    comment.replyCount > 0 ? (await client.comments.replies(comment.id, { limit: 5 })).items : [],
  );
  const shown = replies.state.data ?? [];
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="wrap" inverse={selected}>
        <Text bold>@{comment.author.username}</Text> {comment.body} <Text dimColor>{ago(comment.createdAt)}</Text>
      </Text>
      {shown.map((reply) => (
        <Text key={reply.id} wrap="wrap">
          {'  ↳ '}
          <Text bold>@{reply.author.username}</Text> {reply.body}
        </Text>
      ))}
      {comment.replyCount > shown.length && replies.state.status !== 'loading' ? (
        <Text dimColor>{`  … ${comment.replyCount - shown.length} more replies`}</Text>
      ) : null}
      {replies.state.status === 'error' ? <Text color="red">{`  replies: ${replies.state.error}`}</Text> : null}
    </Box>
  );
}
