import { useCallback, useMemo, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, useStdout, type Key } from 'ink';
import { clearGraphics } from '../images/protocols.js';
import { ChangeFeed } from './changes.js';
import { Chrome } from './components/chrome.js';
import { HelpOverlay } from './components/help-overlay.js';
import { Prompt, editPrompt, type PromptState } from './components/prompt.js';
import { TuiActionsContext, type PromptRequest, type ScreenKeyHandler, type TuiActions } from './context/actions.js';
import { TuiStateContext, type TuiServices, type TuiState } from './context/state.js';
import { useLiveNotifications } from './hooks/use-live-notifications.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { canModerate, resolveKey, type ScreenKind } from './keymap.js';
import { routeKey, type Route } from './routes.js';
import { ScreenForRoute } from './screens/screen-for-route.js';

interface UiState {
  stack: Route[];
  help: boolean;
  prompt: PromptState | null;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The whole browser: a stack of screens, a header, a status line and the key hints. */
export function App({ services, initial }: { services: TuiServices; initial?: Route }) {
  const { exit } = useApp();
  const { width, height } = useTerminalSize();
  // Kept in a ref as well as rendered: keys are handled against the newest state even when they
  // arrive faster than Ink re-renders (a paste, fast typing right after `c`).
  const role = services.me.role;
  // The moderation screen is no route for anyone else, not even as the first one.
  const first = initial?.kind === 'moderation' && !canModerate(role) ? undefined : initial;
  const ui = useRef<UiState>({ stack: [first ?? { kind: 'feed' }], help: false, prompt: null });
  const [view, setView] = useState<UiState>(ui.current);
  const [message, setMessage] = useState('');
  const handlers = useRef(new Map<ScreenKind, ScreenKeyHandler>());
  const live = useLiveNotifications(services.client);
  const [changes] = useState(() => new ChangeFeed());
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(() => new Set());
  const reveal = useCallback((postId: string) => setRevealed((old) => new Set(old).add(postId)), []);

  const { stdout } = useStdout();
  const clear = clearGraphics(services.images.support.protocol);
  const update = useCallback(
    (change: (old: UiState) => Partial<UiState>) => {
      const before = ui.current;
      ui.current = { ...before, ...change(before) };
      // Kitty keeps showing a picture after the text around it is redrawn: when the screen
      // changes, delete them all (the new screen draws its own). Nothing to do for other protocols.
      const shownBefore = before.help ? 'help' : routeKey(before.stack.at(-1)!);
      const shownNow = ui.current.help ? 'help' : routeKey(ui.current.stack.at(-1)!);
      if (clear !== '' && shownBefore !== shownNow) stdout.write(clear);
      setView(ui.current);
    },
    [clear, stdout],
  );
  const open = useCallback((route: Route) => update((s) => ({ stack: [...s.stack, route] })), [update]);
  const ask = useCallback(
    (request: PromptRequest) => update(() => ({ prompt: { request, value: request.initial ?? '' } })),
    [update],
  );

  const setKeyHandler = useCallback((screen: ScreenKind, handler: ScreenKeyHandler | null) => {
    if (handler) handlers.current.set(screen, handler);
    else handlers.current.delete(screen);
  }, []);

  // Two values: the state re-renders its readers when the unread count moves; the actions are all
  // stable callbacks, made once, so the components that only call them are left alone.
  const state = useMemo<TuiState>(
    () => ({ ...services, unread: live.unread, revealed }),
    [services, live.unread, revealed],
  );
  const actions = useMemo<TuiActions>(
    () => ({
      open,
      ask,
      flash: setMessage,
      setKeyHandler,
      clearUnread: live.clear,
      reveal,
      onLive: live.subscribe,
      changes,
    }),
    [open, ask, setKeyHandler, live.clear, reveal, live.subscribe, changes],
  );

  const onPromptKey = (prompt: PromptState, input: string, key: Key) => {
    const outcome = editPrompt(prompt.value, input, key);
    if (outcome.kind === 'quit') exit();
    else if (outcome.kind === 'edit') update(() => ({ prompt: { ...prompt, value: outcome.value } }));
    else {
      update(() => ({ prompt: null }));
      if (outcome.kind === 'submit') prompt.request.onSubmit(outcome.value);
    }
  };

  const onKey = (input: string, key: Key) => {
    const { stack, help, prompt } = ui.current;
    if (prompt) return onPromptKey(prompt, input, key);
    if (help) return update(() => ({ help: false }));
    const top = stack[stack.length - 1] ?? { kind: 'feed' };
    const resolved = resolveKey(top.kind, input, key, role);
    if (!resolved) return undefined;
    setMessage('');
    switch (resolved.action) {
      case 'quit':
        return exit();
      case 'back':
        return stack.length === 1 ? exit() : update((s) => ({ stack: s.stack.slice(0, -1) }));
      case 'help':
        return update(() => ({ help: true }));
      case 'home':
        return update((s) => ({ stack: s.stack.slice(0, 1) }));
      case 'search':
        return ask({
          label: 'Search',
          onSubmit: (query) => query.trim() && open({ kind: 'search', query: query.trim() }),
        });
      case 'notifications':
      case 'requests':
      case 'compose':
      case 'moderation':
        return top.kind === resolved.action ? undefined : open({ kind: resolved.action });
      default:
        return handlers.current.get(top.kind)?.(resolved);
    }
  };

  // A terminal may deliver several keys in one read (typed fast, or pasted): take them one by one.
  useInput((input, key) => {
    if (input.length <= 1 || key.ctrl || key.meta) return onKey(input, key);
    for (const char of input) onKey(char === '\r' ? '' : char, char === '\r' ? { ...key, return: true } : key);
    return undefined;
  });

  const { stack, help, prompt } = view;
  const top = stack[stack.length - 1] ?? { kind: 'feed' };
  // A long message (a video's URL on a line of its own, to copy when no player could open it)
  // takes the rows it needs, up to 4.
  const messageRows = Math.max(
    1,
    Math.min(4, sum(message.split('\n').map((line) => Math.max(1, Math.ceil(line.length / Math.max(1, width)))))),
  );
  // One row short of the terminal: a frame as tall as the terminal makes Ink clear it on every render.
  const bodyHeight = Math.max(4, height - 3 - messageRows);
  // The help lists every key, so it needs no footer hints; it takes their rows and the status line's.
  const helpHeight = Math.max(4, height - 2);
  return (
    <TuiStateContext.Provider value={state}>
      <TuiActionsContext.Provider value={actions}>
        <Box flexDirection="column" width={width} height={height - 1}>
          <Chrome.Header route={top} me={services.me.username} unread={state.unread} width={width} />
          <Box height={help ? helpHeight : bodyHeight} width={width} flexDirection="column" overflow="hidden">
            {help ? <HelpOverlay screen={top.kind} role={role} width={width} height={helpHeight} /> : null}
            {stack.map((route, index) => (
              <Box key={`${index}:${routeKey(route)}`} display={!help && index === stack.length - 1 ? 'flex' : 'none'}>
                <ScreenForRoute
                  route={route}
                  active={!help && prompt === null && index === stack.length - 1}
                  width={width}
                  height={bodyHeight}
                />
              </Box>
            ))}
          </Box>
          {help ? null : prompt ? (
            <Prompt state={prompt} width={width} />
          ) : (
            <Box height={messageRows} width={width} overflow="hidden">
              <Text wrap={messageRows > 1 ? 'wrap' : 'truncate-end'} color="yellow">
                {message || ' '}
              </Text>
            </Box>
          )}
          {help ? null : <Chrome.Footer screen={top.kind} role={role} width={width} />}
        </Box>
      </TuiActionsContext.Provider>
    </TuiStateContext.Provider>
  );
}
