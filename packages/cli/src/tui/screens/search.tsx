import { useState } from 'react';
import type { PostView, PublicUser, SearchResults } from '@aperture/sdk';
import { SimpleList } from '../components/simple-list.js';
import { useTuiState } from '../context/state.js';
import { useTuiActions } from '../context/actions.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import type { Route } from '../routes.js';
import { oneLine, who } from '../format.js';
import { usePaged } from '../hooks/use-paged.js';
import type { ScreenProps } from './screen-props.js';

type Hit =
  | { kind: 'user'; user: PublicUser }
  | { kind: 'tag'; tag: SearchResults['tags'][number] }
  | { kind: 'post'; post: PostView };

/** Users, hashtags and posts for a query, in one list; more posts load as you scroll. */
export function SearchScreen({ query, active, width, height }: ScreenProps & { query: string }) {
  const { client, pageSize } = useTuiState();
  const { open } = useTuiActions();
  const list = usePaged<Hit>(async (cursor) => {
    const results = await client.search.all(query, { cursor, limit: pageSize ?? 10 });
    const posts = results.posts.items.map((post): Hit => ({ kind: 'post', post }));
    // Users and tags come with the first page only.
    const head: Hit[] =
      cursor === undefined
        ? [
            ...results.users.map((user): Hit => ({ kind: 'user', user })),
            ...results.tags.map((tag): Hit => ({ kind: 'tag', tag })),
          ]
        : [];
    return { items: [...head, ...posts], nextCursor: results.posts.nextCursor };
  });
  const [selected, setSelected] = useState(0);
  const hit = list.items[selected];

  useScreenKeys('search', active, ({ action, step }) => {
    if (action === 'down' || action === 'up') {
      setSelected((s) => Math.max(0, Math.min(s + step, list.items.length - 1)));
      if (selected >= list.items.length - 3 && list.status === 'idle' && !list.done) list.loadMore();
    } else if (action === 'refresh') (list.status === 'error' ? list.retry : list.refresh)();
    else if (hit && action === 'open') open(routeOf(hit));
    else if (hit?.kind === 'post' && action === 'author') open({ kind: 'profile', username: hit.post.author.username });
  });

  return (
    <SimpleList
      items={list.items}
      selected={selected}
      width={width}
      height={height}
      line={(h) =>
        h.kind === 'user'
          ? `user  ${who(h.user)}`
          : h.kind === 'tag'
            ? `tag   #${h.tag.name}`
            : `post  @${h.post.author.username}: ${oneLine(h.post.caption, width - 20) || '(no caption)'}`
      }
      status={list.status}
      error={list.error}
      done={list.done}
      emptyText={`Nothing found for “${query}”.`}
    />
  );
}

function routeOf(hit: Hit): Route {
  if (hit.kind === 'user') return { kind: 'profile', username: hit.user.username };
  if (hit.kind === 'tag') return { kind: 'hashtag', tag: hit.tag.name };
  return { kind: 'post', postId: hit.post.id };
}
