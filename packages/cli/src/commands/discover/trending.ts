import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import type { CliContext } from '../../context.js';
import { positiveInt } from '../shared/arguments.js';
import { asViewer } from '../shared/as-viewer.js';
import { table } from '../shared/format.js';

interface LimitOptions {
  limit: number;
}

/** `aperture trending`: the hashtags many accounts use right now, more than they usually do. */
export function trendingCommand(program: Command, action: ActionFactory): void {
  program
    .command('trending')
    .description('hashtags many accounts are using right now, more than usual')
    .option('-n, --limit <count>', 'hashtags to list', positiveInt, 10)
    .action((options: LimitOptions, command: Command) =>
      action<LimitOptions>((ctx, opts) => showTrending(ctx, opts))(options, command),
    );
}

async function showTrending(ctx: CliContext, options: LimitOptions): Promise<void> {
  const tags = await asViewer(ctx, (client) => client.tags.trending({ limit: Math.min(50, options.limit) }));
  if (ctx.out.json) {
    ctx.out.data('', tags);
    return;
  }
  if (tags.length === 0) {
    // Tagged, liked posts may well be there: say what trending takes, in this server's numbers.
    const { trending } = await ctx.client().instance.info();
    ctx.out.info(
      `Nothing is trending right now. A hashtag trends once ${trending.minAuthors} different accounts ` +
        `have used it in public posts within ${trending.windowHours} hours, more than they usually do, ` +
        'so on a small or new server nothing may trend for a while. A hashtag and its posts: aperture tag <name>',
    );
    return;
  }
  ctx.out.data(
    table(
      ctx,
      ['TAG', 'ACCOUNTS', 'SCORE'],
      tags.map((t) => [`#${t.name}`, String(t.authors), t.score.toFixed(1)]),
    ),
    null,
  );
}
