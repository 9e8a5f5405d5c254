import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { readPassword } from '../../prompt.js';
import { signedIn } from './signed-in.js';

interface LoginOptions {
  username: string;
  passwordStdin?: boolean;
}

export function loginCommand(program: Command, action: ActionFactory): void {
  program
    .command('login')
    .description('sign in and remember the token in the selected profile (--profile), which becomes the current one')
    .requiredOption('-u, --username <name>', 'your username (or email)')
    .option('--password-stdin', 'read the password from stdin instead of prompting')
    .action(
      action<LoginOptions>(async (ctx, options) => {
        const password = await readPassword(ctx.io, {
          fromStdin: options.passwordStdin ?? false,
          example: `aperture login --username ${options.username}`,
        });
        const result = await ctx.client().auth.login({ username: options.username, password });
        await signedIn(ctx, result, 'Signed in');
      }),
    );
}
