import type { Command } from 'commander';
import type { ActionFactory } from '../program.js';

export function whoamiCommand(program: Command, action: ActionFactory): void {
  program
    .command('whoami')
    .description('show who you are signed in as')
    .action(
      action(async (ctx) => {
        const me = await ctx.authed((client) => client.me());
        const name = me.displayName && me.displayName !== me.username ? ` (${me.displayName})` : '';
        ctx.out.data(`${me.username}${name} on ${ctx.server}`, { server: ctx.server, user: me });
      }),
    );
}
