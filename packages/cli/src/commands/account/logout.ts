import type { Command } from 'commander';
import { ApertureError } from '@aperture/sdk';
import { AuthRequiredError } from '../../exit-codes.js';
import type { ActionFactory } from '../../command-action.js';

export function logoutCommand(program: Command, action: ActionFactory): void {
  program
    .command('logout')
    .description('end your session and forget the token of the selected profile (its server is kept)')
    .action(
      action(async (ctx) => {
        const where = `${ctx.server} (profile ${ctx.profile})`;
        const done = (wasSignedIn: boolean) => {
          if (ctx.out.json) ctx.out.data('', { profile: ctx.profile, server: ctx.server, wasSignedIn });
        };
        try {
          await ctx.authed(async (client) => {
            try {
              await client.auth.logout();
            } finally {
              // Forgotten even if the server cannot be reached: the user asked to be signed out here.
              await ctx.store.signOut(ctx.profile);
            }
          });
        } catch (error) {
          // Not signed in (any more) is what logout is for.
          if (error instanceof AuthRequiredError) {
            ctx.out.info(`Not signed in to ${where}.`);
            done(false);
            return;
          }
          if (error instanceof ApertureError) {
            ctx.out.error(`Forgot the token, but the session on ${ctx.server} may still be active.`);
          }
          throw error;
        }
        ctx.out.info(`Signed out of ${where}.`);
        done(true);
      }),
    );
}
