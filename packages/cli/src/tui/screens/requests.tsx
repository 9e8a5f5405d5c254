import { useState } from 'react';
import { SimpleList } from '../components/simple-list.js';
import { useTuiState } from '../context/state.js';
import { useTuiActions } from '../context/actions.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { describeError } from '../describe-error.js';
import { ago, who } from '../format.js';
import { usePaged } from '../hooks/use-paged.js';
import type { ScreenProps } from './screen-props.js';

/** Follow requests to you (a private account): `a` approves, `x` rejects. */
export function RequestsScreen({ active, width, height }: ScreenProps) {
  const { client, me, pageSize } = useTuiState();
  const { flash, open } = useTuiActions();
  const list = usePaged((cursor) => client.graph.requests.list({ cursor, limit: pageSize ?? 20 }));
  const [selected, setSelected] = useState(0);
  const [answered, setAnswered] = useState(new Map<string, string>());
  const item = list.items[selected];

  useScreenKeys('requests', active, ({ action, step }) => {
    if (action === 'down' || action === 'up')
      setSelected((s) => Math.max(0, Math.min(s + step, list.items.length - 1)));
    else if (action === 'refresh') (list.status === 'error' ? list.retry : list.refresh)();
    else if (item && (action === 'author' || action === 'open'))
      open({ kind: 'profile', username: item.user.username });
    else if (item && (action === 'approve' || action === 'reject')) {
      const user = { username: item.user.username };
      const call = action === 'approve' ? client.graph.requests.approve(user) : client.graph.requests.reject(user);
      call.then(
        () => {
          setAnswered((old) => new Map(old).set(item.id, action === 'approve' ? 'approved' : 'rejected'));
          flash(`${action === 'approve' ? 'Approved' : 'Rejected'} @${item.user.username}.`);
        },
        (error: unknown) => flash(`Could not answer: ${describeError(error)}`),
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
        me.isPrivate ? 'No pending follow requests.' : 'No requests: your account is public, anyone can follow you.'
      }
    />
  );
}
