import { Box, Text } from 'ink';
import type { PostView } from '@aperture/sdk';
import { formatDuration } from '../../media-words.js';
import { ago, countsLine, shownMedia, who } from '../format.js';
import { useTuiState } from '../context/state.js';
import { Photo } from '../photo.js';
import { isCovered } from '../sensitive.js';

/**
 * One post: who and when, the photo (as large as fits) — for a video its poster, with a ▶ badge,
 * its length and the key that plays it — counts, and the caption.
 */
export function PostDetail({
  post,
  photo,
  width,
  height,
  captionRows = 2,
}: {
  post: PostView;
  photo: number;
  width: number;
  height: number;
  captionRows?: number;
}) {
  const covered = isCovered(post, useTuiState());
  const count = post.media.length;
  const index = count === 0 ? 0 : ((photo % count) + count) % count;
  const media = shownMedia(post, photo);
  const badgeRows = media?.kind === 'video' ? 1 : 0;
  const photoRows = Math.max(2, height - 2 - captionRows - badgeRows);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold>{who(post.author)}</Text>
        <Text dimColor>
          {' '}
          · {ago(post.createdAt)}
          {post.visibility === 'followers' ? ' · followers only' : ''}
        </Text>
      </Text>
      <Box height={photoRows} width={width}>
        {media ? (
          <Photo key={media.id} media={media} maxColumns={width} maxRows={photoRows} covered={covered} />
        ) : (
          <Text dimColor>(no photo)</Text>
        )}
      </Box>
      {media?.kind === 'video' ? (
        <Text wrap="truncate-end">
          <Text inverse bold>{` ▶ ${formatDuration(media.durationMs)} `}</Text>
          <Text dimColor> video · o plays it</Text>
        </Text>
      ) : null}
      <Text wrap="truncate-end">
        <Text color={post.viewerHasLiked ? 'red' : undefined}>{countsLine(post)}</Text>
        {count > 1 ? <Text dimColor>{` · ${index + 1}/${count} ←/→`}</Text> : null}
      </Text>
      <Box height={captionRows} overflow="hidden">
        <Text wrap="wrap">{post.caption}</Text>
      </Box>
    </Box>
  );
}
