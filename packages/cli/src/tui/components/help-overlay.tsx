import { Box, Text } from 'ink';
import { KEYMAP, displayKeys, type ScreenKind } from '../keymap.js';

/** Every key of the keymap, the ones that work on this screen first-class, the others dimmed. */
export function HelpOverlay({ screen, width, height }: { screen: ScreenKind; width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>Keys (any key closes this help)</Text>
      {KEYMAP.map((binding) => {
        const here = binding.screens === 'all' || binding.screens.includes(screen);
        return (
          <Text key={binding.action} wrap="truncate-end" dimColor={!here}>
            {displayKeys(binding).padEnd(10)} {binding.description}
            {binding.screens === 'all' ? '' : `  [${binding.screens.join(', ')}]`}
          </Text>
        );
      })}
    </Box>
  );
}
