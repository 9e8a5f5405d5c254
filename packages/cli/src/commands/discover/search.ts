import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import type { CliContext } from '../../context.js';
import { positiveInt } from '../shared/arguments.js';
import { asViewer } from '../shared/as-viewer.js';
import { count, table, when, who } from '../shared/format.js';

interface LimitOptions {
  limit: number;
}

/** `aperture search <words…>`: people, hashtags and posts. */
export function searchCommand(program: Command, action: ActionFactory): void {
  program
    .command('search')
    .description('find people, hashtags and posts (posts match every word, best match first)')
    .argument('<query...>', 'words to look for')
    .option('-n, --limit <count>', 'posts to list', positiveInt, 20)
    .action((words: string[], options: LimitOptions, command: Command) =>
      action<LimitOptions>((ctx, opts) => showSearch(ctx, words.join(' '), opts))(options, command),
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
