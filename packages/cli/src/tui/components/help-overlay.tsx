import { Box, Text } from 'ink';
import { KEYMAP, displayKeys, type Binding, type ScreenKind } from '../keymap.js';

/**
 * Every key of the keymap, the ones that work on this screen first-class, the others dimmed. In
 * one column when they fit the height (80×24 holds them all), else in two side by side.
 */
export function HelpOverlay({ screen, width, height }: { screen: ScreenKind; width: number; height: number }) {
  const fits = KEYMAP.length + 1 <= height;
  const half = Math.ceil(KEYMAP.length / 2);
  const columns = fits ? [KEYMAP] : [KEYMAP.slice(0, half), KEYMAP.slice(half)];
  const columnWidth = Math.floor(width / columns.length);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>Keys (any key closes this help)</Text>
      <Box flexDirection="row">
        {columns.map((bindings, index) => (
          <Box key={index} flexDirection="column" width={columnWidth}>
            {bindings.map((binding) => (
              <KeyLine key={binding.action} binding={binding} screen={screen} />
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

function KeyLine({ binding, screen }: { binding: Binding; screen: ScreenKind }) {
  const here = binding.screens === 'all' || binding.screens.includes(screen);
  return (
    <Text wrap="truncate-end" dimColor={!here}>
      {displayKeys(binding).padEnd(10)} {binding.description}
      {binding.screens === 'all' ? '' : `  [${binding.screens.join(', ')}]`}
    </Text>
  );
}
