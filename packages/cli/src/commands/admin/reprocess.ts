import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { serverEnv, type ServerFlags } from '../shared/server-flags.js';

/** `aperture admin reprocess`: queues media for new derivatives; the server's worker rebuilds them. */
export function reprocessCommand(admin: Command, action: ActionFactory): void {
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
}
