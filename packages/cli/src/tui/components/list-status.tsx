import { Text } from 'ink';

/** The last line of a list: what is on its way, what failed, or that there is no more. */
export function ListStatus({
  status,
  error,
  done,
  empty,
  emptyText,
}: {
  status: 'loading' | 'idle' | 'error';
  error: string | null;
  done: boolean;
  empty: boolean;
  emptyText: string;
}) {
  if (status === 'loading') return <Text dimColor>loading…</Text>;
  // The hint first: a narrow column cuts the end of the line.
  if (status === 'error') {
    return <Text color="red" wrap="truncate-end">{`failed, r retries: ${error ?? 'unknown error'}`}</Text>;
  }
  if (done && empty)
    return (
      <Text dimColor wrap="truncate-end">
        {emptyText}
      </Text>
    );
  return <Text dimColor>{done ? '— end —' : '…'}</Text>;
}
