import { Option, type Command } from 'commander';
import type { PrivateUser } from '@aperture/sdk';
import type { ActionFactory } from '../../command-action.js';

/**
 * `aperture settings`: the account's settings kept on the server (the same in every client it signs
 * in to). With no option it prints them; an option changes one.
 */
export function settingsCommand(program: Command, action: ActionFactory): void {
  program
    .command('settings')
    .description('show your account settings, or change one: whether sensitive media is shown at once')
    .addOption(
      new Option('--show-sensitive <on|off>', 'always show sensitive media (off: covered until you ask)').choices([
        'on',
        'off',
      ]),
    )
    .action(
      action<{ showSensitive?: 'on' | 'off' }>(async (ctx, options) => {
        const me = await ctx.authed((client) =>
          options.showSensitive === undefined
            ? client.me()
            : client.accounts.update({ showSensitive: options.showSensitive === 'on' }),
        );
        ctx.out.data(describe(me), { username: me.username, isPrivate: me.isPrivate, showSensitive: me.showSensitive });
      }),
    );
}

function describe(me: PrivateUser): string {
  return [
    `account: ${me.isPrivate ? 'private' : 'public'} (change with: aperture privacy private|public)`,
    `sensitive media: ${me.showSensitive ? 'always shown' : 'covered until you ask'} (--show-sensitive on|off)`,
  ].join('\n');
}
