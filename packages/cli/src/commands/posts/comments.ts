import type { Command } from 'commander';
import type { CommentView } from '@aperture/sdk';
import type { ActionFactory } from '../../command-action.js';
import type { CliContext } from '../../context.js';
import { idArg, positiveInt } from '../shared/arguments.js';
import { asViewer } from '../shared/as-viewer.js';
import { isTerminal, table, when } from '../shared/format.js';

/** Replies fetched per thread; a thread longer than this ends with a hint. */
const MAX_REPLIES = 100;

/** `aperture comment` (or reply) and `aperture comments` (a post's threads). */
export function commentCommands(program: Command, action: ActionFactory): void {
  program
    .command('comment')
    .description('comment on a post, or reply to a comment')
    .argument('<postId>', 'the post id')
    .argument('<text>', 'the comment, 1,000 characters at most')
    .option('--reply-to <commentId>', 'reply to this comment (a thread is one level deep)')
    .action((postId: string, text: string, options: { replyTo?: string }, command: Command) =>
      action<{ replyTo?: string }>(async (ctx, opts) => {
        const id = idArg('postId', postId);
        const parentId = opts.replyTo === undefined ? undefined : idArg('--reply-to', opts.replyTo);
        const comment = await ctx.authed((client) =>
          client.comments.create({ postId: id, body: text, ...(parentId === undefined ? {} : { parentId }) }),
        );
        const human = comment.parentId
          ? `Replied to comment ${comment.parentId}: comment ${comment.id}.`
          : `Commented on post ${id}: comment ${comment.id}.`;
        ctx.out.data(human, comment);
      })(options, command),
    );
  program
    .command('comments')
    .description("show a post's comments, newest first, each with its replies")
    .argument('<postId>', 'the post id')
    .option('-n, --limit <count>', 'top-level comments to show', positiveInt, 50)
    .action((postId: string, options: { limit: number }, command: Command) =>
      action<{ limit: number }>((ctx, opts) => showComments(ctx, idArg('postId', postId), opts.limit))(
        options,
        command,
      ),
    );
}

type Thread = CommentView & { replies: CommentView[] };

async function showComments(ctx: CliContext, postId: string, limit: number): Promise<void> {
  const threads: Thread[] = await asViewer(ctx, async (client) => {
    const top = await client.comments.list(postId, { limit: Math.min(100, limit) }).toArray({ max: limit });
    return Promise.all(
      top.map(async (comment) => ({
        ...comment,
        replies:
          comment.replyCount === 0
            ? []
            : await client.comments.replies(comment.id, { limit: 100 }).toArray({ max: MAX_REPLIES }),
      })),
    );
  });
  if (ctx.out.json) {
    ctx.out.data('', threads);
    return;
  }
  if (threads.length === 0) {
    ctx.out.info('No comments yet.');
    return;
  }
  const rows: string[][] = [];
  for (const thread of threads) {
    rows.push(row(ctx, thread));
    for (const reply of thread.replies) rows.push(row(ctx, reply));
  }
  const header = isTerminal(ctx) ? ['COMMENT', 'AUTHOR', 'DATE', 'TEXT'] : [];
  ctx.out.data(table(ctx, header, rows), threads);
}

/**
 * On a terminal a reply is indented under its comment; piped, every line has the same columns:
 * id, the id it replies to (empty for a top-level comment), author, date, text.
 */
function row(ctx: CliContext, c: CommentView): string[] {
  if (!isTerminal(ctx)) return [c.id, c.parentId ?? '', c.author.username, c.createdAt, c.body];
  const reply = c.parentId !== null;
  return [reply ? `  ↳ ${c.id}` : c.id, `@${c.author.username}`, when(ctx, c.createdAt), c.body];
}
