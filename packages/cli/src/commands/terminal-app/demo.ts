import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { createClient } from '@aperture/sdk';
import { CLI_VERSION, type CliContext } from '../../context.js';
import { EXIT } from '../../exit-codes.js';
import { IMAGE_PROTOCOLS } from '../../images/detect.js';
import type { ActionFactory } from '../../command-action.js';
import { parsePort } from '../shared/server-flags.js';
import { exitSoonIfStuck, openBrowser, requireTerminal, type ImageFlags } from './open-browser.js';

interface DemoFlags extends ImageFlags {
  dataDir?: string;
  port?: number;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Few followers make a celebrity in the demo, so that its small world shows both feed paths. */
const DEMO_CELEBRITY_FOLLOWERS = '5';

export function demoCommand(program: Command, action: ActionFactory): void {
  program
    .command('demo')
    .description('start a throwaway server with a seeded world, sign in to it and open browse')
    .option('--data-dir <dir>', 'keep the demo world in this folder (re-used when it has one) instead of a temp one')
    .option('-p, --port <n>', 'port for the demo server (default: any free one)', parsePort)
    .addOption(new Option('--images <mode>', 'how photos are drawn (as in browse)').choices(IMAGE_PROTOCOLS))
    .action(action<DemoFlags>((ctx, flags) => runDemo(ctx, flags)));
}

async function runDemo(ctx: CliContext, flags: DemoFlags): Promise<void> {
  // Before anything is started or written: without a terminal there is nothing to show.
  requireTerminal(ctx, 'demo');
  const temporary = flags.dataDir === undefined;
  const dataDir =
    flags.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'aperture-demo-')) : resolve(flags.dataDir);
  const say = (message: string) => ctx.io.stderr.write(`${message}\n`);
  let stopServer: (() => Promise<void>) | undefined;
  // Ctrl-C while seeding (before the app takes the keyboard), a closed terminal or a kill still
  // stop the server and remove the temporary data.
  const onInterrupt = () => {
    say('Interrupted: stopping the demo…');
    void (stopServer?.() ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => (temporary ? rm(dataDir, { recursive: true, force: true }) : undefined))
      .finally(() => process.exit(EXIT.INTERRUPTED));
  };
  for (const signal of SIGNALS) process.once(signal, onInterrupt);
  try {
    if (!temporary) await mkdir(dataDir, { recursive: true });
    const { createServer, loadConfig } = await import('@aperture/server');
    // Only what the demo needs: the user's APERTURE_* (a Postgres URL, say) must not leak into it.
    const server = await createServer(
      loadConfig({
        APERTURE_DATA_DIR: dataDir,
        APERTURE_HOST: '127.0.0.1',
        APERTURE_PORT: String(flags.port ?? 0),
        APERTURE_LOG_LEVEL: 'silent',
        APERTURE_CELEBRITY_FOLLOWERS: DEMO_CELEBRITY_FOLLOWERS,
      }),
    );
    stopServer = () => server.stop();
    try {
      const url = await server.start();
      say(`Demo server running at ${url} (data: ${dataDir}${temporary ? ', removed on exit' : ''}).`);
      const { signIn } = await import('../../demo/sign-in.js');
      const session = await signIn(url, dataDir, say);
      say(`Signed in as ${session.username} (password: ${session.password}); your own config is not touched.`);
      say(`Try it from another terminal: aperture login --username ${session.username} --server ${url}`);
      // When the app has closed, the session's requests in flight are cut and new ones never start:
      // a notification stream the SDK did not let go of would otherwise keep server.stop() waiting,
      // and an EventSource whose requests fail at once reconnects in a tight loop.
      const requests = new AbortController();
      const fetchUntilQuit: typeof fetch = (input, init) =>
        requests.signal.aborted
          ? new Promise<Response>(() => undefined)
          : fetch(input, {
              ...init,
              signal: init?.signal ? AbortSignal.any([init.signal, requests.signal]) : requests.signal,
            });
      const client = createClient({
        url,
        token: session.token,
        userAgent: `aperture-demo/${CLI_VERSION}`,
        fetch: fetchUntilQuit,
      });
      try {
        await openBrowser(ctx, client, flags);
      } finally {
        requests.abort();
      }
    } finally {
      await stopWithin(server, STOP_TIMEOUT_MS, say);
    }
  } finally {
    for (const signal of SIGNALS) process.off(signal, onInterrupt);
    if (temporary) await rm(dataDir, { recursive: true, force: true });
    say(temporary ? 'Demo stopped; its temporary data is removed.' : `Demo stopped; the world stays in ${dataDir}.`);
    exitSoonIfStuck();
  }
}

/** How long quitting may wait for the demo server to drain before the process exits anyway. */
const STOP_TIMEOUT_MS = 10_000;

/**
 * Stops the server, but gives up waiting after `ms`: the demo is over once the user has quit,
 * and its data is removed next either way.
 */
async function stopWithin(
  server: { stop(): Promise<void> },
  ms: number,
  say: (message: string) => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([server.stop().then(() => 'stopped' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') say(`The demo server did not stop within ${ms / 1000} s; exiting anyway.`);
}
