import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { serverEnv, type ServerFlags } from '../shared/server-flags.js';

export function migrateCommand(program: Command, action: ActionFactory): void {
  program
    .command('migrate')
    .description('bring the configured database up to date, then exit')
    .option('--data-dir <dir>', 'where the default SQLite database lives (default: APERTURE_DATA_DIR or ./data)')
    .action(
      action<Pick<ServerFlags, 'dataDir'>>(async (ctx, flags) => {
        const { loadConfig, migrate } = await import('@aperture/server');
        const config = loadConfig(serverEnv(ctx.io.env, flags));
        const { applied } = await migrate(config);
        const human =
          applied.length === 0
            ? 'The database is up to date.'
            : `Applied ${applied.length} migration(s): ${applied.join(', ')}.`;
        ctx.out.data(human, { applied });
      }),
    );
}
