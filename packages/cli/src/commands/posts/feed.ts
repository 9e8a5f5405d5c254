import type { Command } from 'commander';
import type { PostView } from '@aperture/sdk';
import type { CliContext } from '../../context.js';
import type { ActionFactory } from '../../command-action.js';
import { positiveInt } from '../shared/arguments.js';
import { postTable } from '../shared/format.js';

interface FeedOptions {
  limit: number;
  ranked?: boolean;
}

export function feedCommand(program: Command, action: ActionFactory): void {
  program
    .command('feed')
    .description('your home feed: your posts and those of the accounts you follow')
    .option('-n, --limit <count>', 'posts to list', positiveInt, 20)
    .option('--ranked', 'order by interest, recency, relationship and engagement instead of newest first')
    .action(action<FeedOptions>((ctx, options) => showFeed(ctx, options)));
}

async function showFeed(ctx: CliContext, options: FeedOptions): Promise<void> {
  // The home feed is an account's own: signed out there is none (exit 4 with the login hint).
  const posts = await ctx.authed((client) =>
    client.feed
      .home({ limit: Math.min(50, options.limit), order: options.ranked ? 'ranked' : 'latest' })
      .toArray({ max: options.limit }),
  );
  printPosts(ctx, posts, 'Your feed is empty: follow someone (aperture follow <name>) or post (aperture post <file>).');
}

/** Posts with their authors, or a hint on stderr when there are none. */
function printPosts(ctx: CliContext, posts: PostView[], empty: string): void {
  if (ctx.out.json) {
    ctx.out.data('', posts);
    return;
  }
  if (posts.length === 0) {
    ctx.out.info(empty);
    return;
  }
  ctx.out.data(postTable(ctx, posts, { author: true }), null);
}
