import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { serverEnv, type ServerFlags } from '../shared/server-flags.js';

/** `aperture admin recount`: every counter recomputed from its rows, drift fixed. */
export function recountCommand(admin: Command, action: ActionFactory): void {
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
