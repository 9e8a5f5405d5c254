import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { UsageError } from '../../exit-codes.js';
import { serverEnv, type ServerFlags } from '../shared/server-flags.js';

/** `aperture admin events`: the outbox, newest first, or `--retry` of a parked event. */
export function eventsCommand(admin: Command, action: ActionFactory): void {
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
