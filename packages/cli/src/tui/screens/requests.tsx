import { useState } from 'react';
import { SimpleList } from '../components/simple-list.js';
import { useActions, useTui } from '../context.js';
import { describeError } from '../describe-error.js';
import { ago, who } from '../format.js';
import { usePaged } from '../hooks/use-paged.js';
import type { ScreenProps } from './screen.js';

/** Follow requests to you (a private account): `a` approves, `x` rejects. */
export function RequestsScreen({ active, width, height }: ScreenProps) {
  const tui = useTui();
  const list = usePaged((cursor) => tui.client.graph.requests.list({ cursor, limit: tui.pageSize ?? 20 }));
  const [selected, setSelected] = useState(0);
  const [answered, setAnswered] = useState(new Map<string, string>());
  const item = list.items[selected];

  useActions('requests', active, ({ action, step }) => {
    if (action === 'down' || action === 'up')
      setSelected((s) => Math.max(0, Math.min(s + step, list.items.length - 1)));
    else if (action === 'refresh') (list.status === 'error' ? list.retry : list.refresh)();
    else if (item && (action === 'author' || action === 'open'))
      tui.open({ kind: 'profile', username: item.user.username });
    else if (item && (action === 'approve' || action === 'reject')) {
      const user = { username: item.user.username };
      const call =
        action === 'approve' ? tui.client.graph.requests.approve(user) : tui.client.graph.requests.reject(user);
      call.then(
        () => {
          setAnswered((old) => new Map(old).set(item.id, action === 'approve' ? 'approved' : 'rejected'));
          tui.flash(`${action === 'approve' ? 'Approved' : 'Rejected'} @${item.user.username}.`);
        },
        (error: unknown) => tui.flash(`Could not answer: ${describeError(error)}`),
      );
    }
  });

  return (
    <SimpleList
      items={list.items}
      selected={selected}
      width={width}
      height={height}
      line={(r) =>
        `${who(r.user)} wants to follow you · ${ago(r.createdAt)}${answered.has(r.id) ? ` — ${answered.get(r.id)}` : ''}`
      }
      status={list.status}
      error={list.error}
      done={list.done}
      emptyText={
        tui.me.isPrivate ? 'No pending follow requests.' : 'No requests: your account is public, anyone can follow you.'
      }
    />
  );
}
