import { Box, Text } from 'ink';
import { windowStart } from '../format.js';
import { ListStatus } from './list-status.js';

/** A one-line-per-item list with a selection bar, for notifications, requests and search. */
export function SimpleList<T>({
  items,
  selected,
  height,
  width,
  line,
  status,
  error,
  done,
  emptyText,
}: {
  items: T[];
  selected: number;
  height: number;
  width: number;
  line: (item: T) => string;
  status: 'loading' | 'idle' | 'error';
  error: string | null;
  done: boolean;
  emptyText: string;
}) {
  const visible = Math.max(1, height - 1);
  const first = windowStart(selected, items.length, visible);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {items.slice(first, first + visible).map((item, offset) => (
        <Text key={first + offset} wrap="truncate-end" inverse={first + offset === selected}>
          {`${first + offset === selected ? '›' : ' '} ${line(item)}`}
        </Text>
      ))}
      <ListStatus status={status} error={error} done={done} empty={items.length === 0} emptyText={emptyText} />
    </Box>
  );
}
