import type { ApertureClient } from '@aperture/sdk';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../exit-codes.js';
import { aperture, serveSuggestion } from '../../how-to-run.js';
// Not images/index.js: that one loads sharp, which no command should pay for before it is needed.
import { defaultImageCacheDir } from '../../images/cache.js';
import { detectImageSupport } from '../../images/detect.js';
import { systemUrlOpener } from '../../open-url.js';

// What `browse` and `demo` share: both open the same full-screen app, one on your account, the
// other on a throwaway server's demo world.

/** `--images <mode>`: how photos are drawn, when not detected. */
export interface ImageFlags {
  images?: string;
}

/**
 * Fails with exit code 2 unless stdin and stdout are a terminal (the app reads keys and draws),
 * naming the command that was run and what to do instead.
 */
export function requireTerminal(ctx: CliContext, command: 'browse' | 'demo'): void {
  const stdout = ctx.io.stdout as Partial<NodeJS.WriteStream>;
  if (stdout.isTTY === true && ctx.io.stdin.isTTY === true) return;
  const redirected = [ctx.io.stdin.isTTY === true ? [] : ['stdin'], stdout.isTTY === true ? [] : ['stdout']].flat();
  const run = `${aperture(ctx.io.env)} ${command}`;
  const instead =
    command === 'demo'
      ? `Nothing was started. To try Aperture without a terminal, start a server with: ${serveSuggestion(ctx.io.env, process.cwd())}`
      : `From a script, the other commands print the same things: ${aperture(ctx.io.env)} feed, notifications, user <name>…`;
  throw new UsageError(
    `${command} needs a terminal: it opens a full-screen app that reads keys, but ${redirected.join(' and ')} ${
      redirected.length === 1 ? 'is' : 'are'
    } not a terminal.\nRun ${run} in a terminal window, without redirecting its input or output. ${instead}`,
  );
}

/**
 * Opens the Ink app for `client` and returns when the user quits. The app (React, Ink) is imported
 * here and only here, so that no other command pays for loading it. `aperture demo` calls this too.
 */
export async function openBrowser(ctx: CliContext, client: ApertureClient, flags: ImageFlags): Promise<void> {
  // --images, else APERTURE_IMAGES (read by detectImageSupport), else the `images` setting.
  const configured = ctx.images === 'auto' || ctx.io.env['APERTURE_IMAGES'] ? undefined : ctx.images;
  const support = detectImageSupport(ctx.io.env, flags.images ?? configured);
  const me = await client.me();
  const { runBrowse } = await import('../../tui/run.js');
  await runBrowse({
    client,
    me,
    support,
    imageCacheDir: defaultImageCacheDir(ctx.io.env),
    stdin: ctx.io.stdin,
    stdout: ctx.io.stdout as NodeJS.WriteStream,
    stderr: ctx.io.stderr as NodeJS.WriteStream,
    opener: systemUrlOpener(process.platform, ctx.io.env),
  });
}

/**
 * Once the user has quit, the command is over. A live notification stream that was still
 * connecting when the app closed it is not always let go by the SDK (its EventSource keeps
 * reconnecting), which would keep the process alive with nothing on screen. The timer is unref'd:
 * a process that is done exits on its own before it fires.
 */
export function exitSoonIfStuck(): void {
  setTimeout(() => process.exit(), 2_000).unref();
}
