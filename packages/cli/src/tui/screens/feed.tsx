import { useTui } from '../context.js';
import { PostBrowser } from '../components/post-browser.js';
import { useRequest } from '../hooks/use-request.js';
import { plural } from '../format.js';
import type { ScreenProps } from './screen.js';

export function FeedScreen(props: ScreenProps) {
  const { client, pageSize } = useTui();
  return (
    <PostBrowser
      screen="feed"
      fetchPage={(cursor) => client.feed.home({ cursor, limit: pageSize ?? 10 })}
      emptyText="Your feed is empty: follow people (/ to search) or post (p)."
      {...props}
    />
  );
}

export function HashtagScreen({ tag, ...props }: ScreenProps & { tag: string }) {
  const { client, pageSize } = useTui();
  const info = useRequest(() => client.tags.get(tag));
  const count = info.state.data ? ` · ${plural(info.state.data.postCount, 'public post')}` : '';
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
