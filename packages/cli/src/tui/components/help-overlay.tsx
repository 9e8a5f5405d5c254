import { Box, Text } from 'ink';
import type { UserRole } from '@aperture/sdk';
import { bindingsOf, displayKeys, type Binding, type ScreenKind } from '../keymap.js';

/**
 * Every key of the keymap the viewer's role has, the ones that work on this screen first-class,
 * the others dimmed. In one column when they fit the height, else in two side by side.
 */
export function HelpOverlay({
  screen,
  role,
  width,
  height,
}: {
  screen: ScreenKind;
  role: UserRole;
  width: number;
  height: number;
}) {
  const keys = bindingsOf(role);
  const fits = keys.length + 1 <= height;
  const half = Math.ceil(keys.length / 2);
  const columns = fits ? [keys] : [keys.slice(0, half), keys.slice(half)];
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
