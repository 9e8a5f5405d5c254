import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { readPassword } from '../../prompt.js';
import { signedIn } from './signed-in.js';

interface RegisterOptions {
  username: string;
  email: string;
  displayName?: string;
  passwordStdin?: boolean;
}

export function registerCommand(program: Command, action: ActionFactory): void {
  program
    .command('register')
    .description('create an account on the server and sign in with it')
    .requiredOption('-u, --username <name>', '3–30 letters, digits, "_" or "."')
    .requiredOption('-e, --email <address>', 'your email address')
    .option('--display-name <name>', 'the name shown on your profile')
    .option('--password-stdin', 'read the password from stdin instead of prompting')
    .action(
      action<RegisterOptions>(async (ctx, options) => {
        const password = await readPassword(ctx.io, {
          fromStdin: options.passwordStdin ?? false,
          confirm: true,
          example: `aperture register --username ${options.username} --email ${options.email}`,
        });
        const result = await ctx.client().auth.register({
          username: options.username,
          email: options.email,
          password,
          ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
        });
        await signedIn(ctx, result, 'Registered and signed in');
      }),
    );
}
