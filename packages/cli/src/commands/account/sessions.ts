import type { Command } from 'commander';
import type { SessionInfo } from '@aperture/sdk';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../exit-codes.js';
import type { ActionFactory } from '../../command-action.js';
import { idArg } from '../shared/arguments.js';
import { count, table, when } from '../shared/format.js';

interface RevokeOptions {
  others?: boolean;
}

export function sessionsCommand(program: Command, action: ActionFactory): void {
  const sessions = program
    .command('sessions')
    .description('list where your account is signed in (* marks this one); revoke one')
    .action(action(listSessions));
  sessions
    .command('revoke')
    .description('sign one session out (this one signs you out here too), or --others: all but this one')
    .argument('[id]', 'the session id, as `aperture sessions` lists it')
    .option('--others', 'sign out every session but this one')
    .action((id: string | undefined, options: RevokeOptions, command: Command) =>
      action<RevokeOptions>((ctx, opts) => revoke(ctx, id, opts))(options, command),
    );
}

async function listSessions(ctx: CliContext): Promise<void> {
  const sessions = await ctx.authed((client) => client.accounts.sessions());
  if (ctx.out.json) {
    ctx.out.data('', sessions);
    return;
  }
  const rows = ctx.out.tty
    ? sessions.map((s) => [
        s.current ? '*' : ' ',
        s.id,
        when(ctx, s.createdAt),
        when(ctx, s.lastUsedAt),
        s.ip ?? '',
        s.userAgent ?? '',
      ])
    : // Piped: id, current/other, signed in, last used, expires, address, client.
      sessions.map((s) => [
        s.id,
        s.current ? 'current' : 'other',
        s.createdAt,
        s.lastUsedAt,
        s.expiresAt,
        s.ip ?? '',
        s.userAgent ?? '',
      ]);
  ctx.out.data(table(ctx, ['', 'SESSION', 'SIGNED IN', 'LAST USED', 'FROM', 'CLIENT'], rows), null);
  ctx.out.info('Sign one out with: aperture sessions revoke <id> (or --others for all but this one)');
}

/** What revoking needs of a session: the server's id, and whether it is the one this profile holds. */
type Target = Pick<SessionInfo, 'id' | 'current'>;

async function revoke(ctx: CliContext, id: string | undefined, options: RevokeOptions): Promise<void> {
  if (options.others && id !== undefined) throw new UsageError('sessions revoke: give an id or --others, not both.');
  if (!options.others && id === undefined) throw new UsageError('sessions revoke: give a session id, or --others.');
  const sessionId = id === undefined ? undefined : idArg('id', id);
  const outcome = await ctx.authed(async (client) => {
    const all = await client.accounts.sessions();
    const targets: Target[] =
      sessionId === undefined
        ? all.filter((s) => !s.current)
        : // One not listed is the server's to refuse (NOT_FOUND), as it refuses another account's.
          [all.find((s) => s.id === sessionId) ?? { id: sessionId, current: false }];
    for (const session of targets) await client.accounts.revokeSession(session.id);
    return { revoked: targets.map((s) => s.id), current: targets.some((s) => s.current) };
  });
  if (outcome.current) {
    // The token this profile holds is the one just revoked: keeping it would only fail later.
    await ctx.store.signOut(ctx.profile);
  }
  ctx.out.data(describe(ctx, outcome, sessionId === undefined), outcome);
}

function describe(
  ctx: CliContext,
  { revoked, current }: { revoked: string[]; current: boolean },
  others: boolean,
): string {
  if (current) return `Revoked this session: signed out of ${ctx.server} (profile ${ctx.profile}).`;
  if (!others) return `Revoked session ${revoked.join('')}.`;
  return revoked.length === 0 ? 'No other sessions to revoke.' : `Revoked ${count(revoked.length, 'other session')}.`;
}
