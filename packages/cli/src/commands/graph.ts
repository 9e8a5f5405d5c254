import type { Command } from 'commander';
import type { ApertureClient, UserRef } from '@aperture/sdk';
import type { CliContext } from '../context.js';
import type { ActionFactory } from '../program.js';
import { table, usernameArg, when } from './social-format.js';

/** The one-argument commands on someone else: what to call, then what to say and print. */
interface PairCommand {
  name: string;
  description: string;
  run(client: ApertureClient, user: UserRef): Promise<Record<string, unknown>>;
  done(name: string, result: Record<string, unknown>): string;
}

const PAIR_COMMANDS: PairCommand[] = [
  {
    name: 'follow',
    description: 'follow someone (to a private account this sends a request)',
    run: async (client, user) => ({ state: (await client.graph.follow(user)).state }),
    done: (name, { state }) =>
      state === 'pending'
        ? `Asked to follow @${name}: the account is private, so they must approve your request.`
        : `Following @${name}.`,
  },
  {
    name: 'unfollow',
    description: 'stop following someone, or withdraw your request',
    run: async (client, user) => {
      await client.graph.unfollow(user);
      return { state: 'none' };
    },
    done: (name) => `No longer following @${name}.`,
  },
  {
    name: 'block',
    description: 'block someone: follows both ways end, and neither of you sees the other',
    run: async (client, user) => {
      await client.graph.block(user);
      return { blocking: true };
    },
    done: (name) => `Blocked @${name}.`,
  },
  {
    name: 'unblock',
    description: 'lift a block (follows it ended do not come back)',
    run: async (client, user) => {
      await client.graph.unblock(user);
      return { blocking: false };
    },
    done: (name) => `Unblocked @${name}.`,
  },
  {
    name: 'mute',
    description: 'mute someone: their posts leave your feed (they are not told)',
    run: async (client, user) => {
      await client.graph.mute(user);
      return { muting: true };
    },
    done: (name) => `Muted @${name}.`,
  },
  {
    name: 'unmute',
    description: 'unmute someone',
    run: async (client, user) => {
      await client.graph.unmute(user);
      return { muting: false };
    },
    done: (name) => `Unmuted @${name}.`,
  },
];

export function graphCommands(program: Command, action: ActionFactory): void {
  for (const spec of PAIR_COMMANDS) {
    program
      .command(spec.name)
      .description(spec.description)
      .argument('<name>', 'their username')
      .action((name: string, options: object, command: Command) =>
        action(async (ctx) => {
          const ref = usernameArg(name);
          const result = await ctx.authed((client) => spec.run(client, ref));
          ctx.out.data(spec.done(ref.username, result), { username: ref.username, ...result });
        })(options, command),
      );
  }

  const requests = program
    .command('requests')
    .description('list the follow requests to your private account; approve or reject one')
    .action(action(listRequests));
  for (const verb of ['approve', 'reject'] as const) {
    requests
      .command(verb)
      .description(verb === 'approve' ? 'let someone follow you' : 'turn a follow request down')
      .argument('<name>', 'their username')
      .action((name: string, options: object, command: Command) =>
        action(async (ctx) => {
          const ref = usernameArg(name);
          await ctx.authed((client) => client.graph.requests[verb](ref));
          const human = verb === 'approve' ? `@${ref.username} now follows you.` : `Rejected @${ref.username}.`;
          ctx.out.data(human, { username: ref.username, approved: verb === 'approve' });
        })(options, command),
      );
  }
}

async function listRequests(ctx: CliContext): Promise<void> {
  const pending = await ctx.authed((client) => client.graph.requests.list({ limit: 100 }).toArray());
  if (ctx.out.json) {
    ctx.out.data('', pending);
    return;
  }
  if (pending.length === 0) {
    ctx.out.info('No pending follow requests.');
    return;
  }
  ctx.out.data(
    table(
      ctx,
      ['USER', 'NAME', 'ASKED'],
      pending.map((r) => [r.user.username, r.user.displayName, when(ctx, r.createdAt)]),
    ),
    pending,
  );
  ctx.out.info(`Approve one with: aperture requests approve <name>`);
}
