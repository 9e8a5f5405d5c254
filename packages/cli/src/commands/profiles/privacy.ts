import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { UsageError } from '../../exit-codes.js';

export function privacyCommand(program: Command, action: ActionFactory): void {
  program
    .command('privacy')
    .description('make your account private (new follows become requests you approve) or public')
    .argument('<setting>', 'private or public')
    .action((setting: string, options: object, command: Command) =>
      action(async (ctx) => {
        if (setting !== 'private' && setting !== 'public') {
          throw new UsageError(`privacy: "${setting}" is neither private nor public.`);
        }
        const me = await ctx.authed((client) => client.accounts.update({ isPrivate: setting === 'private' }));
        const human = me.isPrivate
          ? 'Your account is private: new follows are requests (see them with: aperture requests). Current followers stay.'
          : 'Your account is public: anyone may follow you. Pending requests stay pending until you approve them.';
        ctx.out.data(human, { username: me.username, isPrivate: me.isPrivate });
      })(options, command),
    );
}
