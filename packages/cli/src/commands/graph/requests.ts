import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import type { CliContext } from '../../context.js';
import { usernameArg } from '../shared/arguments.js';
import { table, when } from '../shared/format.js';

/** `aperture requests` (the follow requests to a private account) and its `approve` and `reject`. */
export function requestsCommand(program: Command, action: ActionFactory): void {
  const requests = program
    .command('requests')
    .description('list the follow requests to your private account; approve or reject one')
    .action(action(listRequests));
  for (const verb of ['approve', 'reject'] as const) {
    requests
      .command(verb)
      .description(verb === 'approve' ? 'let someone follow you' : 'turn a follow request down')
      .argument('<name>', 'their username')
      .action((name: string, options: object, command: Command) =>
        action(async (ctx) => {
          const ref = usernameArg(name);
          await ctx.authed((client) => client.graph.requests[verb](ref));
          const human = verb === 'approve' ? `@${ref.username} now follows you.` : `Rejected @${ref.username}.`;
          ctx.out.data(human, { username: ref.username, approved: verb === 'approve' });
        })(options, command),
      );
  }
}

async function listRequests(ctx: CliContext): Promise<void> {
  const pending = await ctx.authed((client) => client.graph.requests.list({ limit: 100 }).toArray());
  if (ctx.out.json) {
    ctx.out.data('', pending);
    return;
  }
  if (pending.length === 0) {
    ctx.out.info('No pending follow requests.');
    return;
  }
  ctx.out.data(
    table(
      ctx,
      ['USER', 'NAME', 'ASKED'],
      pending.map((r) => [r.user.username, r.user.displayName, when(ctx, r.createdAt)]),
    ),
    pending,
  );
  ctx.out.info(`Approve one with: aperture requests approve <name>`);
}
