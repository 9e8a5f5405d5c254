import type { Command } from 'commander';
import type { ApertureClient, UserRef } from '@aperture/sdk';
import type { ActionFactory } from '../../command-action.js';
import { usernameArg } from '../shared/arguments.js';

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

/** `aperture follow`, `unfollow`, `block`, `unblock`, `mute` and `unmute`, one table entry each. */
export function followBlockMuteCommands(program: Command, action: ActionFactory): void {
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
}
