import type { Command } from 'commander';
import type { ActionFactory } from '../program.js';
import { UsageError } from '../exit-codes.js';
import { serverEnv, type ServerFlags } from './server-env.js';
import { verifyAction } from './admin-verify.js';

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
  admin
    .command('verify')
    .description('match every blob against the rows and every row against its blobs; --repair fixes what it can')
    .option('--data-dir <dir>', 'where the default SQLite database lives (default: APERTURE_DATA_DIR or ./data)')
    .option('--repair', 'remove leftovers older than the grace period, and repair rows whose blobs are missing')
    .option('--grace <minutes>', 'leave leftovers younger than this alone: they may be writes in flight (default 60)')
    .action(action(verifyAction));
  admin
    .command('events')
    .description('list recent outbox events (type, status, attempts, last error), or --retry a parked one')
    .option('--data-dir <dir>', 'where the default SQLite database lives (default: APERTURE_DATA_DIR or ./data)')
    .option('--status <status>', 'only events in this status: pending, parked or done')
    .option('--limit <n>', 'how many, newest first (default 50, at most 1000)')
    .option('--retry <id>', 'put this parked event back in the queue with its attempts reset')
    .action(
      action<Pick<ServerFlags, 'dataDir'> & { status?: string; limit?: string; retry?: string }>(async (ctx, flags) => {
        const { loadConfig, listEvents, retryEvent } = await import('@aperture/server');
        const config = loadConfig(serverEnv(ctx.io.env, flags));
        if (flags.retry !== undefined) {
          const event = await retryEvent(config, flags.retry);
          ctx.out.data(`Re-queued event ${event.id} (${event.type}); a running worker delivers it soon.`, event);
          return;
        }
        const status = flags.status;
        if (status !== undefined && status !== 'pending' && status !== 'parked' && status !== 'done') {
          throw new UsageError(`--status must be pending, parked or done (got ${status})`);
        }
        const limit = flags.limit === undefined ? undefined : Number(flags.limit);
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1_000)) {
          throw new UsageError('--limit must be a whole number from 1 to 1000');
        }
        const events = await listEvents(config, { ...(status ? { status } : {}), ...(limit ? { limit } : {}) });
        if (events.length === 0 && !ctx.out.json) {
          ctx.out.info('No events.');
          return;
        }
        // Piped: id, type, status, attempts, ISO date, last error (empty if none).
        const rows = events.map((e) => [
          e.id,
          e.type,
          e.status,
          String(e.attempts),
          ctx.out.when(e.createdAt),
          e.lastError ?? '',
        ]);
        ctx.out.data(ctx.out.table(['EVENT', 'TYPE', 'STATUS', 'ATTEMPTS', 'CREATED', 'LAST ERROR'], rows), {
          events,
        });
      }),
    );
}
