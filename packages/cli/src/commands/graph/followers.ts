import type { Command } from 'commander';
import type { ApertureClient, PublicUser, UserRef } from '@aperture/sdk';
import type { CliContext } from '../../context.js';
import type { ActionFactory } from '../../command-action.js';
import { positiveInt, usernameArg } from '../shared/arguments.js';
import { asViewer } from '../shared/as-viewer.js';
import { table } from '../shared/format.js';

interface ListOptions {
  limit: number;
}

/** The two lists of a follow graph, the same but for which end of the edge they read. */
const LISTS = [
  {
    name: 'followers',
    description: 'list who follows someone (you, without a name), newest first',
    fetch: (client: ApertureClient, user: UserRef, limit: number) => client.graph.followers(user, { limit }),
    empty: (whose: string | null) => (whose ? `No one follows @${whose} yet.` : 'No one follows you yet.'),
  },
  {
    name: 'following',
    description: 'list whom someone follows (you, without a name), newest first',
    fetch: (client: ApertureClient, user: UserRef, limit: number) => client.graph.following(user, { limit }),
    empty: (whose: string | null) =>
      whose ? `@${whose} follows no one yet.` : 'You follow no one yet: find people with aperture search <words>.',
  },
] as const;

/** `aperture followers` and `aperture following`: one list each, with or without a name. */
export function followersCommands(program: Command, action: ActionFactory): void {
  for (const list of LISTS) {
    program
      .command(list.name)
      .description(list.description)
      .argument('[name]', 'their username (default: you)')
      .option('-n, --limit <count>', 'people to list', positiveInt, 50)
      .action((name: string | undefined, options: ListOptions, command: Command) =>
        action<ListOptions>(async (ctx, opts) => {
          const ref = name === undefined ? undefined : usernameArg(name);
          // One more than shown tells whether the list goes on.
          const fetchUsers = (client: ApertureClient, user: UserRef) =>
            list.fetch(client, user, Math.min(100, opts.limit + 1)).toArray({ max: opts.limit + 1 });
          // Without a name the list is yours, which needs an account; with one, anyone may read a
          // public account's lists.
          const { users, username } = ref
            ? { users: await asViewer(ctx, (client) => fetchUsers(client, ref)), username: ref.username }
            : await ctx.authed(async (client, entry) => ({
                users: await fetchUsers(client, { username: entry.username }),
                username: entry.username,
              }));
          printUsers(ctx, users, opts.limit, {
            empty: list.empty(ref ? username : null),
            more: `aperture ${list.name}${ref ? ` ${username}` : ''} --limit ${opts.limit * 2}`,
          });
        })(options, command),
      );
  }
}

/**
 * People as a table: username, display name, bio (piped: the same, tab-separated). The hint that
 * more exist goes to stderr, so that piped output holds records only.
 */
function printUsers(
  ctx: CliContext,
  fetched: PublicUser[],
  limit: number,
  hints: { empty: string; more: string },
): void {
  const users = fetched.slice(0, limit);
  if (ctx.out.json) {
    ctx.out.data('', users);
    return;
  }
  if (users.length === 0) {
    ctx.out.info(hints.empty);
    return;
  }
  ctx.out.data(
    table(
      ctx,
      ['USER', 'NAME', 'BIO'],
      users.map((u) => [u.username, u.displayName, u.bio]),
    ),
    users,
  );
  if (fetched.length > limit) ctx.out.info(`… more: ${hints.more}`);
}
