import type { BackupResult, RestoreResult } from '@aperture/server';
import type { Command } from 'commander';
import type { ActionFactory, CommandAction } from '../../command-action.js';
import { CliError } from '../../exit-codes.js';
import { createStepProgressView, formatBytes } from '../../progress.js';
import { serverEnv, type ServerFlags } from '../shared/server-flags.js';

type BackupFlags = Pick<ServerFlags, 'dataDir'> & { to: string };
type RestoreFlags = Pick<ServerFlags, 'dataDir'> & { from: string };

const PLACE = 'a folder, or s3://bucket/prefix (?region=…&endpoint=…&forcePathStyle=true as in APERTURE_MEDIA_URL)';
const DATA_DIR = 'where the default SQLite database and media live (default: APERTURE_DATA_DIR or ./data)';

/**
 * `aperture admin backup --to <place>` and `aperture admin restore --from <place>`: the configured
 * deployment (APERTURE_DATABASE_URL, APERTURE_MEDIA_URL) into a backup, or a backup into it.
 */
export function backupCommands(admin: Command, action: ActionFactory): void {
  admin
    .command('backup')
    .description('a consistent backup of the database and every media blob its rows use (safe while serving)')
    .requiredOption('--to <place>', PLACE)
    .option('--data-dir <dir>', DATA_DIR)
    .action(action(backup));
  admin
    .command('restore')
    .description(
      'restore a backup into the configured deployment, which must be empty (SQLite or Postgres, disk or S3)',
    )
    .requiredOption('--from <place>', PLACE)
    .option('--data-dir <dir>', DATA_DIR)
    .action(action(restore));
}

const backup: CommandAction<BackupFlags> = async (ctx, flags) => {
  const { loadConfig, createBackup } = await import('@aperture/server');
  const config = loadConfig(serverEnv(ctx.io.env, flags));
  const progress = createStepProgressView(ctx.io.stderr);
  let result: BackupResult;
  try {
    result = await createBackup(config, { to: flags.to, onProgress: (p) => progress.update(p) });
  } catch (error) {
    throw new CliError(`Backup failed: ${(error as Error).message}`);
  } finally {
    progress.end();
  }
  const rows = Object.values(result.tables).reduce((a, b) => a + b, 0);
  const lines = [
    `Backed up ${rows} rows of ${Object.keys(result.tables).length} tables and ${result.blobs.count} blobs ` +
      `(${formatBytes(result.blobs.bytes)}; ${result.blobs.copied} copied, ${result.blobs.skipped} already there) ` +
      `to ${result.location}.`,
    `Backup ${result.id}, ${result.source.dialect} + ${result.source.blobStore}, schema at ${result.migrationLevel}.`,
  ];
  ctx.out.data(lines.join('\n'), result);
  if (result.missingBlobs.length > 0) {
    for (const missing of result.missingBlobs.slice(0, 20))
      ctx.out.error(`missing: ${missing.key} (${missing.reason})`);
    ctx.out.error(
      `${result.missingBlobs.length} blob(s) the rows need were missing or damaged and are not in the backup; ` +
        'run `aperture admin verify`.',
    );
  }
};

const restore: CommandAction<RestoreFlags> = async (ctx, flags) => {
  const { loadConfig, restoreFromBackup } = await import('@aperture/server');
  const config = loadConfig(serverEnv(ctx.io.env, flags));
  const progress = createStepProgressView(ctx.io.stderr);
  let result: RestoreResult;
  try {
    result = await restoreFromBackup(config, { from: flags.from, onProgress: (p) => progress.update(p) });
  } catch (error) {
    throw new CliError(`Restore failed: ${(error as Error).message}`);
  } finally {
    progress.end();
  }
  const rows = Object.values(result.tables).reduce((a, b) => a + b, 0);
  ctx.out.data(
    `Restored backup ${result.id} (${result.createdAt}, from ${result.source.dialect} + ${result.source.blobStore}) ` +
      `into ${result.target.dialect} + ${result.target.blobStore}: ${rows} rows, ${result.blobs.count} blobs ` +
      `(${formatBytes(result.blobs.bytes)}), schema at ${result.migrationLevel}. Start the server to use it.`,
    result,
  );
};
