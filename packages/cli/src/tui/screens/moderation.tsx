import { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import { ListStatus } from '../components/list-status.js';
import { useTuiState } from '../context/state.js';
import { useTuiActions } from '../context/actions.js';
import { describeError } from '../describe-error.js';
import { ago, oneLine, windowStart } from '../format.js';
import { usePaged, type PagedList } from '../hooks/use-paged.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { choicesFor, describeItem, isHeld, type ModerationItem } from '../moderation-actions.js';
import type { ScreenProps } from './screen-props.js';

type ListKind = 'reports' | 'held';

/**
 * Moderators' work (docs/moderation.md): the report queue, one line per reported target with its
 * reports counted by reason, and the content word filters held; `t` switches between them, `x`
 * acts on the selected item (a letter picks the action, then a reason is asked for).
 */
export function ModerationScreen({ active, width, height }: ScreenProps) {
  const { client, pageSize } = useTuiState();
  const { ask, flash, open } = useTuiActions();
  const reports = usePaged<ModerationItem>((cursor) => client.moderation.queue({ cursor, limit: pageSize ?? 20 }));
  const held = usePaged<ModerationItem>((cursor) => client.moderation.held({ cursor, limit: pageSize ?? 20 }));
  const [kind, setKind] = useState<ListKind>('reports');
  const [selected, setSelected] = useState(0);
  const list: PagedList<ModerationItem> = kind === 'reports' ? reports : held;
  // After an action the lists are fetched again, shorter: the selection stays in them.
  const current = Math.max(0, Math.min(selected, list.items.length - 1));
  const item = list.items[current];

  useEffect(() => {
    if (list.status === 'idle' && !list.done && selected >= list.items.length - 3) list.loadMore();
  }, [selected, list]);

  const act = (chosen: ModerationItem) => {
    const choices = choicesFor(client, chosen);
    ask({
      label: `${chosen.target.kind} ${chosen.target.id}: ${choices.map((c) => `${c.key} ${c.label}`).join(' · ')}`,
      onSubmit: (typed) => {
        const choice = choices.find((c) => c.key === typed.trim());
        if (!choice) {
          if (typed.trim() !== '') flash(`No action "${typed.trim()}" here: nothing done.`);
          return;
        }
        ask({
          label: `Reason to ${choice.label} (the audit log keeps it)`,
          onSubmit: (reason) => {
            if (reason.trim() === '') {
              flash('A reason is needed: nothing done.');
              return;
            }
            choice.run(reason).then(
              (result) => {
                const resolved = result.resolvedReports === 0 ? '' : ` (${result.resolvedReports} report(s) resolved)`;
                flash(`Done: ${choice.label}, ${result.target.kind} ${result.target.id}${resolved}.`);
                reports.refresh();
                held.refresh();
              },
              (error: unknown) => flash(`Could not ${choice.label}: ${describeError(error)}`),
            );
          },
        });
      },
    });
  };

  useScreenKeys('moderation', active, ({ action, step }) => {
    if (action === 'down' || action === 'up')
      setSelected((s) => Math.max(0, Math.min(Math.min(s, list.items.length - 1) + step, list.items.length - 1)));
    else if (action === 'refresh') (list.status === 'error' ? list.retry : list.refresh)();
    else if (action === 'modList') {
      setKind((k) => (k === 'reports' ? 'held' : 'reports'));
      setSelected(0);
    } else if (item && action === 'modAct') act(item);
    else if (item && action === 'open') {
      const { target } = item;
      if (target.kind === 'post') open({ kind: 'post', postId: target.id });
      else if (target.kind === 'comment' && item.postId) open({ kind: 'post', postId: item.postId });
      else if (item.owner) open({ kind: 'profile', username: item.owner.username });
    }
  });

  const visible = Math.max(1, Math.floor((height - 2) / 2));
  const first = windowStart(current, list.items.length, visible);
  const tab = (name: ListKind, title: string) => (
    <Text bold={kind === name} inverse={kind === name}>{` ${title} `}</Text>
  );
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        {tab('reports', 'Reports')}
        {tab('held', 'Held content')}
        <Text dimColor> t switches · x acts · enter opens</Text>
      </Text>
      {list.items.slice(first, first + visible).map((entry, offset) => {
        const isSelected = first + offset === current;
        return (
          <Box
            key={isHeld(entry) ? entry.holdId : `${entry.target.kind}:${entry.target.id}`}
            flexDirection="column"
            height={2}
          >
            <Text wrap="truncate-end" inverse={isSelected}>
              {`${isSelected ? '›' : ' '} ${describeItem(entry, (iso) => ago(iso))}`}
            </Text>
            <Text wrap="truncate-end" dimColor={!isSelected}>{`  ${oneLine(entry.text, width - 2) || ' '}`}</Text>
          </Box>
        );
      })}
      <ListStatus
        status={list.status}
        error={list.error}
        done={list.done}
        empty={list.items.length === 0}
        emptyText={kind === 'reports' ? 'Nothing waits in the queue.' : 'Nothing is held.'}
      />
    </Box>
  );
}
