import { Option, type Command } from 'commander';
import type { PrivateUser } from '@aperture/sdk';
import { UsageError } from '../../exit-codes.js';
import type { ActionFactory } from '../../command-action.js';
import { who } from '../shared/format.js';

interface EditProfileOptions {
  displayName?: string;
  bio?: string;
  private?: boolean;
  public?: boolean;
}

/**
 * `aperture edit-profile`: a verb and its object, like `delete-post` (`profile` alone would read as
 * the `--profile` of the config, which names a server and account, not what others see).
 */
export function editProfileCommand(program: Command, action: ActionFactory): void {
  program
    .command('edit-profile')
    .description('change your display name, bio, or whether your account is private; the rest stays')
    .option('--display-name <name>', 'the name shown beside your username, 64 characters at most ("" for none)')
    .option('--bio <text>', 'a line about you, 150 characters at most ("" clears it)')
    .addOption(new Option('--private', 'make your account private (as: aperture privacy private)').conflicts('public'))
    .addOption(new Option('--public', 'make your account public (as: aperture privacy public)'))
    .action(
      action<EditProfileOptions>(async (ctx, options) => {
        const change = {
          ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
          ...(options.bio === undefined ? {} : { bio: options.bio }),
          ...(options.private ? { isPrivate: true } : options.public ? { isPrivate: false } : {}),
        };
        if (Object.keys(change).length === 0) {
          throw new UsageError('edit-profile: nothing to change. Give --display-name, --bio, --private or --public.');
        }
        const me = await ctx.authed((client) => client.accounts.update(change));
        ctx.out.data(describe(me), me);
      }),
    );
}

/** The profile as others now see its top: name, privacy, bio. */
function describe(me: PrivateUser): string {
  const lines = [`Updated your profile: ${who(me)}${me.isPrivate ? ' · private account' : ''}`];
  if (me.bio) lines.push(me.bio);
  return lines.join('\n');
}
