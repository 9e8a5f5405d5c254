import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ActionFactory } from '../program.js';
import { asViewer, count, positiveInt, postTable, table, when, who } from './social-format.js';

interface LimitOptions {
  limit: number;
}

/** `aperture tag`, `aperture trending`, `aperture search`: finding things by hashtag and text. */
export function discoverCommands(program: Command, action: ActionFactory): void {
  program
    .command('tag')
    .description('show a hashtag and its newest posts you may see')
    .argument('<name>', 'the hashtag, with or without #')
    .option('-n, --limit <count>', 'posts to list', positiveInt, 20)
    .action((name: string, options: LimitOptions, command: Command) =>
      action<LimitOptions>((ctx, opts) => showTag(ctx, name, opts))(options, command),
    );

  program
    .command('trending')
    .description('hashtags many accounts are using right now, more than usual')
    .option('-n, --limit <count>', 'hashtags to list', positiveInt, 10)
    .action((options: LimitOptions, command: Command) =>
      action<LimitOptions>((ctx, opts) => showTrending(ctx, opts))(options, command),
    );

  program
    .command('search')
    .description('find people, hashtags and posts (posts match every word, best match first)')
    .argument('<query...>', 'words to look for')
    .option('-n, --limit <count>', 'posts to list', positiveInt, 20)
    .action((words: string[], options: LimitOptions, command: Command) =>
      action<LimitOptions>((ctx, opts) => showSearch(ctx, words.join(' '), opts))(options, command),
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

async function showSearch(ctx: CliContext, q: string, options: LimitOptions): Promise<void> {
  const limit = Math.min(50, options.limit);
  const results = await asViewer(ctx, (client) => client.search.all(q, { limit }));
  if (ctx.out.json) {
    ctx.out.data('', results);
    return;
  }
  const { users, tags, posts } = results;
  if (!ctx.out.tty) {
    // Piped: one record a line, its kind first, so that `grep ^post` picks one kind.
    const rows = [
      ...users.map((u) => ['user', u.username, u.displayName]),
      ...tags.map((t) => ['tag', t.name, String(t.postCount)]),
      ...posts.items.map((p) => ['post', p.id, p.author.username, p.createdAt, p.caption]),
    ];
    if (rows.length === 0) ctx.out.info(`Nothing found for "${q}".`);
    else ctx.out.data(ctx.out.table([], rows), null);
    return;
  }
  const lines: string[] = [];
  const heading = ctx.out.bold;
  if (users.length > 0) lines.push(heading('People'), ...users.map((u) => `  ${who(u)}`), '');
  if (tags.length > 0) {
    lines.push(heading('Hashtags'), ...tags.map((t) => `  #${t.name} (${count(t.postCount, 'post')})`), '');
  }
  if (posts.items.length > 0) {
    lines.push(
      heading('Posts'),
      table(
        ctx,
        ['POST', 'AUTHOR', 'DATE', 'CAPTION'],
        posts.items.map((p) => [p.id, `@${p.author.username}`, when(ctx, p.createdAt), p.caption]),
      ),
    );
  }
  if (lines.length === 0) ctx.out.info(`Nothing found for "${q}".`);
  else ctx.out.data(lines.join('\n').trimEnd(), null);
}
