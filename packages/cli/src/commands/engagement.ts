import type { Command } from 'commander';
import type { CommentView, Reaction } from '@aperture/sdk';
import type { CliContext } from '../context.js';
import type { ActionFactory } from '../program.js';
import { asViewer, count, idArg, isTerminal, positiveInt, table, when } from './social-format.js';

/** Replies fetched per thread; a thread longer than this ends with a hint. */
const MAX_REPLIES = 100;

export function engagementCommands(program: Command, action: ActionFactory): void {
  program
    .command('like')
    .description('like a post, with a reaction (like, love, haha, wow, sad, fire)')
    .argument('<postId>', 'the post id')
    .option('-r, --reaction <reaction>', 'like, love, haha, wow, sad or fire', 'like')
    .action((postId: string, options: { reaction: string }, command: Command) =>
      action<{ reaction: string }>(async (ctx, opts) => {
        const id = idArg('postId', postId);
        // The server owns the list of reactions and names them all when one is wrong.
        const result = await ctx.authed((client) => client.likes.like(id, opts.reaction as Reaction));
        ctx.out.data(`Liked post ${id} (${result.reaction}); it has ${count(result.likeCount, 'like')}.`, {
          postId: id,
          ...result,
        });
      })(options, command),
    );
  program
    .command('unlike')
    .description('take your like back')
    .argument('<postId>', 'the post id')
    .action((postId: string, options: object, command: Command) =>
      action(async (ctx) => {
        const id = idArg('postId', postId);
        const result = await ctx.authed((client) => client.likes.unlike(id));
        ctx.out.data(`Unliked post ${id}; it has ${count(result.likeCount, 'like')}.`, { postId: id, ...result });
      })(options, command),
    );
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
