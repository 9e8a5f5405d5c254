import { spawnSync } from 'node:child_process';

/** Whether tmux is installed (CI installs it); tests that need a real terminal say so when it is not. */
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/**
 * A private tmux server (its own socket: nothing of the developer's tmux is touched) with one
 * session running `command` in a real terminal of `width` × `height`.
 */
export interface TmuxSession {
  /** The text the pane shows now (the visible screen, without colours). */
  capture(): string;
  /** Keys as tmux names them: `C-c`, `q`, `Enter`. */
  sendKeys(...keys: string[]): void;
  /** Waits until `test(capture())` holds; on timeout, fails showing the screen. */
  until(test: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  kill(): void;
}

let sessions = 0;

export function startTmux(command: string, options: { width?: number; height?: number } = {}): TmuxSession {
  sessions += 1;
  const socket = `aperture-test-${process.pid}-${sessions}`;
  const tmux = (...args: string[]) =>
    spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const started = tmux(
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    String(options.width ?? 160),
    '-y',
    String(options.height ?? 40),
    command,
  );
  if (started.status !== 0) throw new Error(`tmux did not start: ${started.stderr}`);
  // Keep the pane after the command exits, so its last screen can still be read.
  tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
  const capture = () => tmux('capture-pane', '-p', '-J', '-t', 'main').stdout;
  return {
    capture,
    sendKeys: (...keys) => void tmux('send-keys', '-t', 'main', ...keys),
    async until(test, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const screen = capture();
        if (test(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the pane shows:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    kill: () => void tmux('kill-server'),
  };
}

/** `'it''s'` for sh: one argument whatever it holds. */
export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}
