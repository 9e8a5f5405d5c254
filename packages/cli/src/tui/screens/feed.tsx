import { useTuiState } from '../context/state.js';
import { PostBrowser } from '../components/post-browser.js';
import { useRequest } from '../hooks/use-request.js';
import { plural } from '../format.js';
import type { ScreenProps } from './screen-props.js';

export function FeedScreen(props: ScreenProps) {
  const { client, pageSize } = useTuiState();
  return (
    <PostBrowser
      screen="feed"
      fetchPage={(cursor) => client.feed.home({ cursor, limit: pageSize ?? 10 })}
      emptyText="Your feed is empty: follow people (/ to search) or post (p)."
      listsPublished={() => true}
      {...props}
    />
  );
}

export function HashtagScreen({ tag, ...props }: ScreenProps & { tag: string }) {
  const { client, pageSize } = useTuiState();
  const info = useRequest(() => client.tags.get(tag));
  // The posts you may see carrying it; the server stops counting at 1,000.
  const seen = info.state.data;
  const count = seen ? ` · ${seen.postCountCapped ? `${seen.postCount}+ posts` : plural(seen.postCount, 'post')}` : '';
  return (
    <PostBrowser
      screen="hashtag"
      heading={`#${tag}${count}`}
      fetchPage={(cursor) => client.feed.hashtag(tag, { cursor, limit: pageSize ?? 10 })}
      emptyText={`No posts with #${tag} that you can see.`}
      {...props}
    />
  );
}
