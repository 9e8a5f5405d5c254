import type { MoveResult } from '@aperture/server';
import type { Command } from 'commander';
import type { ActionFactory, CommandAction } from '../../command-action.js';
import { CliError, UsageError } from '../../exit-codes.js';
import { createStepProgressView, formatBytes } from '../../progress.js';
import { serverEnv, type ServerFlags } from '../shared/server-flags.js';

type MoveFlags = Pick<ServerFlags, 'dataDir'> & { toDatabase?: string; toMedia?: string; workDir?: string };

/**
 * `aperture admin move --to-database <url> --to-media <url>`: the configured deployment's rows
 * and/or media into new, empty ones, with the server stopped. Prints the settings to start with.
 */
export function moveCommand(admin: Command, action: ActionFactory): void {
  admin
    .command('move')
    .description('move a stopped deployment to another database and/or blob store (e.g. SQLite + disk → Postgres + S3)')
    .option('--to-database <url>', 'the new, empty database: postgres://… or sqlite:<file>')
    .option('--to-media <url>', 'the new, empty blob store: s3://bucket?region=… or file:<dir>')
    .option('--work-dir <dir>', 'where the intermediate copy is kept while moving (default: the system temp folder)')
    .option(
      '--data-dir <dir>',
      'where the default SQLite database and media live (default: APERTURE_DATA_DIR or ./data)',
    )
    .action(action(move));
}

const move: CommandAction<MoveFlags> = async (ctx, flags) => {
  if (flags.toDatabase === undefined && flags.toMedia === undefined) {
    throw new UsageError('Say where to move: --to-database <url>, --to-media <url>, or both.');
  }
  const { loadConfig, moveDeployment } = await import('@aperture/server');
  const config = loadConfig(serverEnv(ctx.io.env, flags));
  const progress = createStepProgressView(ctx.io.stderr);
  let result: MoveResult;
  try {
    result = await moveDeployment(config, {
      ...(flags.toDatabase === undefined ? {} : { toDatabase: flags.toDatabase }),
      ...(flags.toMedia === undefined ? {} : { toMedia: flags.toMedia }),
      ...(flags.workDir === undefined ? {} : { workDir: flags.workDir }),
      onProgress: (p) => progress.update(p),
    });
  } catch (error) {
    throw new CliError(`Move failed: ${(error as Error).message}`);
  } finally {
    progress.end();
  }
  const rows = Object.values(result.tables).reduce((a, b) => a + b, 0);
  const moved = [
    ...(result.env.APERTURE_DATABASE_URL ? [`${rows} rows`] : []),
    ...(result.env.APERTURE_MEDIA_URL ? [`${result.blobs.count} blobs (${formatBytes(result.blobs.bytes)})`] : []),
  ];
  const settings = Object.entries(result.env).map(([name, value]) => `  ${name}=${value}`);
  ctx.out.data(
    [`Moved ${moved.join(' and ')}. Start the server with:`, ...settings, 'The old copy was left as it was.'].join(
      '\n',
    ),
    result,
  );
};
