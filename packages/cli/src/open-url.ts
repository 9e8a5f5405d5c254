import { spawn } from 'node:child_process';

/**
 * A program that opens a URL with whatever the system has for it (a video player, a browser):
 * run as `command ...args <url>`, from an argument array, never through a shell string.
 */
export interface UrlOpener {
  command: string;
  args: readonly string[];
}

export type OpenOutcome = { opened: true } | { opened: false; reason: string };

/**
 * The system's opener: `open` on macOS, the URL protocol handler through `rundll32` on Windows
 * (not `cmd /c start`: cmd would parse the URL, reading `&` as a command separator and expanding
 * `%NAME%`), `xdg-open` elsewhere.
 * Null where nothing could show a video: on Linux and the BSDs without a graphical session (no
 * `DISPLAY` nor `WAYLAND_DISPLAY`, as over SSH), xdg-open would fall back to a text browser
 * that fights the terminal app for the screen.
 */
export function systemUrlOpener(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): UrlOpener | null {
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler'] };
  if (!env['DISPLAY'] && !env['WAYLAND_DISPLAY']) return null;
  return { command: 'xdg-open', args: [] };
}

/** How long an opener may run before it is taken to have worked (a player that stays open). */
const SETTLE_MS = 2_000;

/**
 * Opens an http(s) URL with `opener`, detached: the player outlives the terminal app and never
 * reads its keys or writes on its screen. Resolves once the opener exits (0: opened; else it
 * could not), fails to start, or is still running after a moment (opened). Never rejects.
 */
export function openUrl(opener: UrlOpener | null, url: string, settleMs = SETTLE_MS): Promise<OpenOutcome> {
  if (!opener) return Promise.resolve({ opened: false, reason: 'no program to open it here' });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve({ opened: false, reason: 'not a URL' });
  }
  // Only web addresses: a server's answer must not make the opener run a file or another scheme.
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.resolve({ opened: false, reason: `not a web address (${parsed.protocol})` });
  }
  const target = parsed.href;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: OpenOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ opened: true }), settleMs);
    timer.unref();
    const child = spawn(opener.command, [...opener.args, target], {
      detached: true,
      stdio: 'ignore',
      windowsHide: true,
    });
    child.once('error', (error: NodeJS.ErrnoException) =>
      settle({
        opened: false,
        reason: error.code === 'ENOENT' ? `${opener.command} is not installed` : `${opener.command}: ${error.message}`,
      }),
    );
    child.once('exit', (code, signal) =>
      settle(
        code === 0
          ? { opened: true }
          : { opened: false, reason: `${opener.command} ${signal ? `was killed (${signal})` : `exited with ${code}`}` },
      ),
    );
    // The app may quit while the player plays: the child must not keep this process alive.
    child.unref();
  });
}
