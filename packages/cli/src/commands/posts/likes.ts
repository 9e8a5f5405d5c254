import type { Command } from 'commander';
import type { Reaction } from '@aperture/sdk';
import type { ActionFactory } from '../../command-action.js';
import { idArg } from '../shared/arguments.js';
import { count } from '../shared/format.js';

/** `aperture like` and `aperture unlike`. */
export function likeCommands(program: Command, action: ActionFactory): void {
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
}
