import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import type { CliContext } from '../../context.js';
import { positiveInt } from '../shared/arguments.js';
import { asViewer } from '../shared/as-viewer.js';
import { count, postTable, when } from '../shared/format.js';

interface LimitOptions {
  limit: number;
}

/** `aperture tag <name>`: a hashtag's card and its newest posts you may see. */
export function tagCommand(program: Command, action: ActionFactory): void {
  program
    .command('tag')
    .description('show a hashtag and its newest posts you may see')
    .argument('<name>', 'the hashtag, with or without #')
    .option('-n, --limit <count>', 'posts to list', positiveInt, 20)
    .action((name: string, options: LimitOptions, command: Command) =>
      action<LimitOptions>((ctx, opts) => showTag(ctx, name, opts))(options, command),
    );
}

async function showTag(ctx: CliContext, name: string, options: LimitOptions): Promise<void> {
  const { tag, posts } = await asViewer(ctx, async (client) => ({
    tag: await client.tags.get(name),
    posts: await client.feed.hashtag(name, { limit: Math.min(50, options.limit) }).toArray({ max: options.limit }),
  }));
  if (ctx.out.json) {
    ctx.out.data('', { ...tag, posts });
    return;
  }
  // Counted among the posts you may see (the server stops at 1,000), since the oldest of them.
  const counted = tag.postCountCapped ? `${tag.postCount}+ posts` : count(tag.postCount, 'post');
  const card = `${ctx.out.bold(`#${tag.name}`)} · ${counted} · since ${when(ctx, tag.createdAt)}`;
  // The card, a blank line, then one post a line (piped: the columns of `feed`).
  ctx.out.data(posts.length > 0 ? `${card}\n\n${postTable(ctx, posts, { author: true })}` : card, null);
}
