import type { Command } from 'commander';
import type { ActionFactory } from '../program.js';
import { serverEnv, type ServerFlags } from './server-env.js';

/** Operator commands that work on the configured database directly (run them where the server runs). */
export function adminCommand(program: Command, action: ActionFactory): void {
  const admin = program.command('admin').description('operator tasks on the configured database and media');
  admin
    .command('reprocess')
    .description('rebuild image derivatives from the kept originals (all ready media, or --media ids)')
    .option('--data-dir <dir>', 'where the default SQLite database lives (default: APERTURE_DATA_DIR or ./data)')
    .option('--media <ids...>', 'only these media ids')
    .action(
      action<Pick<ServerFlags, 'dataDir'> & { media?: string[] }>(async (ctx, flags) => {
        const { loadConfig, requestReprocess } = await import('@aperture/server');
        const config = loadConfig(serverEnv(ctx.io.env, flags));
        const { queued } = await requestReprocess(config, flags.media);
        ctx.out.data(
          `Queued ${queued} media item(s) for reprocessing; a running server (role all or worker) rebuilds them, ` +
            'and the current derivatives keep serving until then.',
          { queued },
        );
      }),
    );
  admin
    .command('recount')
    .description('recompute every counter (followers, posts, likes, comments) from the rows and fix drift')
    .option('--data-dir <dir>', 'where the default SQLite database lives (default: APERTURE_DATA_DIR or ./data)')
    .action(
      action<Pick<ServerFlags, 'dataDir'>>(async (ctx, flags) => {
        const { loadConfig, recount } = await import('@aperture/server');
        const { fixed } = await recount(loadConfig(serverEnv(ctx.io.env, flags)));
        const drifted = Object.entries(fixed).filter(([, n]) => n > 0);
        const human =
          drifted.length === 0
            ? 'Every counter matches its rows.'
            : `Fixed ${drifted.map(([name, n]) => `${n} × ${name}`).join(', ')}.`;
        ctx.out.data(human, { fixed });
      }),
    );
}
