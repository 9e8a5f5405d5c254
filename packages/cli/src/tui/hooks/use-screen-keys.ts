import { useRef } from 'react';
import type { ScreenKind } from '../keymap.js';
import { useTuiActions, type ScreenKeyHandler } from '../context/actions.js';

/**
 * Makes `handler` receive the screen actions (move, open, like…) while the screen is on top. The
 * handler is read at key time, so it always sees the screen's latest state.
 */
export function useScreenKeys(screen: ScreenKind, active: boolean, handler: ScreenKeyHandler): void {
  const { setKeyHandler } = useTuiActions();
  const latest = useRef(handler);
  // Updated during render, not in an effect: Ink may run passive effects only at the next render,
  // and a key pressed before that would reach a handler that has not seen the latest data.
  latest.current = handler;
  const forward = useRef<ScreenKeyHandler>((key) => latest.current(key));
  if (active) setKeyHandler(screen, forward.current);
}
