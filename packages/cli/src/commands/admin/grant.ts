import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { CliError, UsageError } from '../../exit-codes.js';
import { serverEnv, type ServerFlags } from '../shared/server-flags.js';

const ROLES = ['user', 'moderator', 'admin'] as const;

/** `aperture admin grant <username> <role>`: a role set on the database directly (docs/moderation.md). */
export function grantCommand(admin: Command, action: ActionFactory): void {
  admin
    .command('grant')
    .description('make an account a moderator, an admin, or a plain user again (on the database directly)')
    .argument('<username>', 'the account')
    .argument('<role>', 'user, moderator or admin')
    .option('--data-dir <dir>', 'where the default SQLite database lives (default: APERTURE_DATA_DIR or ./data)')
    .action((username: string, role: string, options: Pick<ServerFlags, 'dataDir'>, command: Command) =>
      action<Pick<ServerFlags, 'dataDir'>>(async (ctx, flags) => {
        if (!(ROLES as readonly string[]).includes(role)) {
          throw new UsageError(`"${role}" is not a role: give user, moderator or admin.`);
        }
        const { loadConfig, grantRole, NoSuchAccountError } = await import('@aperture/server');
        try {
          const grant = await grantRole(
            loadConfig(serverEnv(ctx.io.env, flags)),
            username,
            role as (typeof ROLES)[number],
          );
          ctx.out.data(`@${grant.username} is now ${grant.role === 'admin' ? 'an' : 'a'} ${grant.role}.`, grant);
        } catch (error) {
          if (error instanceof NoSuchAccountError) throw new CliError(error.message);
          throw error;
        }
      })(options, command),
    );
}
