import { Box, Text } from 'ink';
import type { Key } from 'ink';
import type { PromptRequest } from '../context/actions.js';

export interface PromptState {
  request: PromptRequest;
  value: string;
}

export type PromptOutcome =
  { kind: 'edit'; value: string } | { kind: 'submit'; value: string } | { kind: 'cancel' } | { kind: 'quit' };

/**
 * What a key does to a one-line text field: enter submits, esc cancels, ctrl-c quits the app,
 * backspace deletes, anything printable (a paste too) is added. A pure function, so the app's one
 * input handler can apply it to the field it holds in a ref — no key is lost while a new field
 * mounts.
 */
export function editPrompt(value: string, input: string, key: Key): PromptOutcome {
  if (key.ctrl && input === 'c') return { kind: 'quit' };
  if (key.return) return { kind: 'submit', value };
  if (key.escape) return { kind: 'cancel' };
  if (key.backspace || key.delete) return { kind: 'edit', value: value.slice(0, -1) };
  if (key.ctrl || key.meta) return { kind: 'edit', value };
  // Control characters (a stray escape sequence, a tab) are not text.
  const printable = [...input].filter((c) => c >= ' ' && c !== '\u007f').join('');
  return { kind: 'edit', value: value + printable };
}

/** The field itself: its label, the end of its text when longer than the line, and a cursor. */
export function Prompt({ state, width }: { state: PromptState; width: number }) {
  const room = Math.max(1, width - state.request.label.length - 3);
  const { value } = state;
  return (
    <Box width={width}>
      <Text color="cyan">{state.request.label}: </Text>
      <Text>{value.length > room ? value.slice(value.length - room) : value}</Text>
      <Text inverse> </Text>
    </Box>
  );
}
