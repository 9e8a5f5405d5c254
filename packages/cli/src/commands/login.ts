import type { Command } from 'commander';
import type { AuthResult } from '@aperture/sdk';
import type { CliContext } from '../context.js';
import type { ActionFactory } from '../program.js';
import { readPassword } from '../prompt.js';

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

/** Stores the new token and prints who is signed in; shared with `register`. */
export async function signedIn(ctx: CliContext, result: AuthResult, verb: string): Promise<void> {
  await ctx.store.signIn(ctx.profile, ctx.server, { token: result.token, username: result.user.username });
  ctx.out.data(`${verb} as ${result.user.username} on ${ctx.server} (profile ${ctx.profile}).`, {
    profile: ctx.profile,
    server: ctx.server,
    user: result.user,
    session: result.session,
  });
  ctx.out.info('Try: aperture whoami');
}
