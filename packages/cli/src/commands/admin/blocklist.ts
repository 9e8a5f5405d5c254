import type { Command } from 'commander';
import { idArg } from '../shared/arguments.js';
import type { ActionFactory } from '../../command-action.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../exit-codes.js';
import { serverEnv, type ServerFlags } from '../shared/server-flags.js';

type DataDirFlags = Pick<ServerFlags, 'dataDir'>;
const DATA_DIR = [
  '--data-dir <dir>',
  'where the default SQLite database lives (default: APERTURE_DATA_DIR or ./data)',
] as const;

/**
 * `aperture admin blocklist add|add-file|list|remove|refusals`: the media blocklist on the
 * configured database. Running servers screen the next upload against the changed list.
 */
export function blocklistCommands(admin: Command, action: ActionFactory): void {
  const blocklist = admin
    .command('blocklist')
    .description('the media blocklist: perceptual hashes whose uploads (and near copies) are refused');

  blocklist
    .command('add')
    .description("block a processed media item's perceptual hash and hide the posts using it or its copies")
    .argument('<mediaId>', "the media id (any owner's)")
    .option(...DATA_DIR)
    .option('--reason <text>', 'why, for the operators reading the list')
    .action((mediaId: string, options: DataDirFlags & { reason?: string }, command: Command) =>
      action<DataDirFlags & { reason?: string }>(async (ctx, flags) => {
        const id = idArg('mediaId', mediaId);
        await add(ctx, flags, { mediaId: id, ...(flags.reason === undefined ? {} : { reason: flags.reason }) });
      })(options, command),
    );

  blocklist
    .command('add-file')
    .description("block a local image's perceptual hash (hashed as an upload of it would be)")
    .argument('<path>', 'an image file (JPEG, PNG, WebP, AVIF or GIF)')
    .option(...DATA_DIR)
    .option('--reason <text>', 'why, for the operators reading the list')
    .action((file: string, options: DataDirFlags & { reason?: string }, command: Command) =>
      action<DataDirFlags & { reason?: string }>(async (ctx, flags) => {
        await add(ctx, flags, { file, ...(flags.reason === undefined ? {} : { reason: flags.reason }) });
      })(options, command),
    );

  blocklist
    .command('list')
    .description('the blocked hashes, newest first')
    .option(...DATA_DIR)
    .option('--limit <n>', 'how many (default 100, at most 100000)')
    .action(
      action<DataDirFlags & { limit?: string }>(async (ctx, flags) => {
        const { loadConfig, blocklistList } = await import('@aperture/server');
        const entries = await blocklistList(loadConfig(serverEnv(ctx.io.env, flags)), limitOf(flags.limit));
        if (entries.length === 0 && !ctx.out.json) {
          ctx.out.info('The blocklist is empty.');
          return;
        }
        // Piped: hash, ISO date, source media id (empty if none), reason.
        const rows = entries.map((e) => [e.hash, ctx.out.when(e.createdAt), e.sourceMediaId ?? '', e.reason]);
        ctx.out.data(ctx.out.table(['HASH', 'ADDED', 'SOURCE MEDIA', 'REASON'], rows), { entries });
      }),
    );

  blocklist
    .command('remove')
    .description('unblock a hash (posts hidden when it was added stay hidden)')
    .argument('<hash>', 'the 16 hex digits `list` shows')
    .option(...DATA_DIR)
    .action((hash: string, options: DataDirFlags, command: Command) =>
      action<DataDirFlags>(async (ctx, flags) => {
        const { loadConfig, blocklistRemove } = await import('@aperture/server');
        if (!/^[0-9a-fA-F]{16}$/.test(hash)) throw new UsageError(`<hash> must be 16 hex digits (got ${hash})`);
        const { removed } = await blocklistRemove(loadConfig(serverEnv(ctx.io.env, flags)), hash);
        ctx.out.data(removed ? `Removed ${hash.toLowerCase()} from the blocklist.` : `${hash} was not blocked.`, {
          hash: hash.toLowerCase(),
          removed,
        });
      })(options, command),
    );

  blocklist
    .command('refusals')
    .description('uploads refused for matching the blocklist, newest first')
    .option(...DATA_DIR)
    .option('--limit <n>', 'how many (default 100, at most 100000)')
    .action(
      action<DataDirFlags & { limit?: string }>(async (ctx, flags) => {
        const { loadConfig, blocklistRefusals } = await import('@aperture/server');
        const refusals = await blocklistRefusals(loadConfig(serverEnv(ctx.io.env, flags)), limitOf(flags.limit));
        if (refusals.length === 0 && !ctx.out.json) {
          ctx.out.info('No uploads were refused.');
          return;
        }
        // Piped: media id, ISO date, uploader, the upload's hash, the entry it matched, distance.
        const rows = refusals.map((r) => [
          r.mediaId,
          ctx.out.when(r.createdAt),
          r.ownerUsername ?? r.ownerId,
          r.perceptualHash,
          r.matchedHash,
          String(r.distance),
        ]);
        ctx.out.data(ctx.out.table(['MEDIA', 'REFUSED', 'UPLOADER', 'HASH', 'MATCHED', 'BITS'], rows), { refusals });
      }),
    );
}

async function add(
  ctx: CliContext,
  flags: DataDirFlags,
  what: { mediaId: string; reason?: string } | { file: string; reason?: string },
): Promise<void> {
  const { loadConfig, blocklistAdd } = await import('@aperture/server');
  const result = await blocklistAdd(loadConfig(serverEnv(ctx.io.env, flags)), what);
  const head = result.created
    ? `Blocked ${result.entry.hash}.`
    : `${result.entry.hash} was blocked already; looked for matching media again.`;
  ctx.out.data(
    `${head} ${result.matchedMedia} media item(s) match it; ${result.hiddenPosts} post(s) using them are hidden now.`,
    result,
  );
}

function limitOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new UsageError('--limit must be a whole number from 1 to 100000');
  }
  return limit;
}
