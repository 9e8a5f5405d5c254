import { useEffect, useState } from 'react';
import type { NotificationView } from '@aperture/sdk';
import { SimpleList } from '../components/simple-list.js';
import { useTuiState } from '../context/state.js';
import { useTuiActions } from '../context/actions.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { ago } from '../format.js';
import { usePaged } from '../hooks/use-paged.js';
import type { ScreenProps } from './screen-props.js';

const VERBS: Record<NotificationView['kind'], string> = {
  follow: 'started following you',
  follow_request: 'asked to follow you (R shows requests)',
  follow_approved: 'approved your follow request',
  like: 'liked your post',
  comment: 'commented on your post',
  reply: 'replied to your comment',
  mention: 'mentioned you',
  // The actor of a moderation notice is the recipient: the sentence reads as about their content.
  post_hidden: '— moderators hid your post',
  post_sensitive: '— moderators marked your post sensitive',
  comment_removed: '— moderators removed your comment',
  account_suspended: '— moderators suspended your account',
};

export function describeNotification(n: NotificationView): string {
  const others = n.actorCount > 1 ? ` and ${n.actorCount - 1} other${n.actorCount > 2 ? 's' : ''}` : '';
  return `${n.read ? ' ' : '●'} @${n.actor.username}${others} ${VERBS[n.kind]} · ${ago(n.updatedAt)}`;
}

/** Your notifications, newest first; new ones arrive live. Opening the screen marks them read. */
export function NotificationsScreen({ active, width, height }: ScreenProps) {
  const { client, pageSize } = useTuiState();
  const { clearUnread, onLive, open } = useTuiActions();
  const list = usePaged((cursor) => client.notifications.list({ cursor, limit: pageSize ?? 20 }));
  const [selected, setSelected] = useState(0);
  const item = list.items[selected];

  useEffect(() => onLive((n) => list.prepend(n)), [onLive, list]);
  useEffect(() => {
    if (!active) return;
    client.notifications.markRead({ all: true }).then(clearUnread, () => undefined);
  }, [active, client, clearUnread, list.items.length]);
  useEffect(() => {
    if (list.status === 'idle' && !list.done && selected >= list.items.length - 3) list.loadMore();
  }, [selected, list]);

  useScreenKeys('notifications', active, ({ action, step }) => {
    if (action === 'down' || action === 'up')
      setSelected((s) => Math.max(0, Math.min(s + step, list.items.length - 1)));
    else if (action === 'refresh') (list.status === 'error' ? list.retry : list.refresh)();
    else if (item && action === 'author') open({ kind: 'profile', username: item.actor.username });
    else if (item && action === 'open') {
      if (item.post) open({ kind: 'post', postId: item.post.id });
      else if (item.kind === 'follow_request') open({ kind: 'requests' });
      else open({ kind: 'profile', username: item.actor.username });
    }
  });

  return (
    <SimpleList
      items={list.items}
      selected={selected}
      width={width}
      height={height}
      line={describeNotification}
      status={list.status}
      error={list.error}
      done={list.done}
      emptyText="No notifications yet."
    />
  );
}
