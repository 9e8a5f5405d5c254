import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';

export function whoamiCommand(program: Command, action: ActionFactory): void {
  program
    .command('whoami')
    .description('show who you are signed in as, on which server, in which profile')
    .action(
      action(async (ctx) => {
        const me = await ctx.authed((client) => client.me());
        const value = { profile: ctx.profile, server: ctx.server, user: me };
        if (!ctx.out.tty) {
          // Piped: profile, server, username, display name.
          ctx.out.data(ctx.out.table([], [[ctx.profile, ctx.server, me.username, me.displayName]]), value);
          return;
        }
        const name = me.displayName && me.displayName !== me.username ? ` (${me.displayName})` : '';
        ctx.out.data(
          `${ctx.out.bold(me.username)}${name} on ${ctx.server} ${ctx.out.dim(`· profile ${ctx.profile}`)}`,
          value,
        );
      }),
    );
}
