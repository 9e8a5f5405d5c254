import { render } from 'ink';
import type { ApertureClient, PrivateUser } from '@aperture/sdk';
import { ImageCache, type TerminalImageSupport } from '../images/index.js';
import type { UrlOpener } from '../open-url.js';
import { App } from './app.js';

export interface BrowseOptions {
  client: ApertureClient;
  me: PrivateUser;
  support: TerminalImageSupport;
  imageCacheDir: string;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** What opens a video in the system's player (`systemUrlOpener`); null: its URL is shown. */
  opener: UrlOpener | null;
}

const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

/**
 * Runs the browser full-screen until the user quits. The alternate screen keeps the shell's
 * scrollback as it was; it is left (and the cursor shown) however the app ends.
 */
export async function runBrowse(options: BrowseOptions): Promise<void> {
  const { stdout } = options;
  const services = {
    client: options.client,
    me: options.me,
    images: { support: options.support, cache: new ImageCache(options.imageCacheDir) },
    opener: options.opener,
  };
  stdout.write(ENTER_ALTERNATE_SCREEN);
  const restore = () => stdout.write(LEAVE_ALTERNATE_SCREEN + SHOW_CURSOR);
  process.once('exit', restore);
  try {
    // Ctrl-C is bound in the keymap (and the prompt), so that it quits the same way q does.
    const instance = render(<App services={services} />, {
      stdin: options.stdin,
      stdout,
      stderr: options.stderr,
      exitOnCtrlC: false,
    });
    await instance.waitUntilExit();
  } finally {
    process.off('exit', restore);
    restore();
  }
}
