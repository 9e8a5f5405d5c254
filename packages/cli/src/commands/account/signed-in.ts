import type { AuthResult } from '@aperture/sdk';
import type { CliContext } from '../../context.js';

/** Stores the new token and prints who is signed in: what `login` and `register` do once the server has said yes. */
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
