import type { Command } from 'commander';
import type { Profile } from '@aperture/sdk';
import type { CliContext } from '../../context.js';
import type { ActionFactory } from '../../command-action.js';
import { positiveInt, usernameArg } from '../shared/arguments.js';
import { asViewer } from '../shared/as-viewer.js';
import { count, postTable, who } from '../shared/format.js';

interface UserOptions {
  limit: number;
}

export function userCommand(program: Command, action: ActionFactory): void {
  program
    .command('user')
    .description("show someone's profile: counts, how you stand with them, and their posts")
    .argument('<name>', 'their username')
    .option('-n, --limit <count>', 'posts to list, newest first', positiveInt, 20)
    .action((name: string, options: UserOptions, command: Command) =>
      action<UserOptions>((ctx, opts) => showUser(ctx, name, opts))(options, command),
    );
}

async function showUser(ctx: CliContext, name: string, options: UserOptions): Promise<void> {
  const ref = usernameArg(name);
  const { profile, posts, more } = await asViewer(ctx, async (client) => {
    const profile = await client.users.profile(ref);
    // One more than shown tells whether the grid goes on.
    const grid = await client.posts.byUser({ ...ref, limit: Math.min(100, options.limit + 1) }).toArray({
      max: options.limit + 1,
    });
    return { profile, posts: grid.slice(0, options.limit), more: grid.length > options.limit };
  });
  if (ctx.out.json) {
    ctx.out.data('', { ...profile, posts, more });
    return;
  }
  const [title = '', ...facts] = header(profile);
  const lines = [ctx.out.bold(title), ...facts];
  if (posts.length === 0) {
    lines.push('', profile.counts.posts > 0 ? 'No posts you may see.' : 'No posts yet.');
  } else {
    lines.push('', postTable(ctx, posts));
    if (more) lines.push(`… more: aperture user ${profile.user.username} --limit ${options.limit * 2}`);
  }
  ctx.out.data(lines.join('\n'), null);
}

function header({ user, counts, relationship }: Profile): string[] {
  const lines = [`${who(user)}${user.isPrivate ? ' · private account' : ''}`];
  if (user.bio) lines.push(user.bio);
  lines.push(`${count(counts.posts, 'post')} · ${count(counts.followers, 'follower')} · ${counts.following} following`);
  if (relationship) {
    const facts: string[] = [];
    if (relationship.following === 'active') facts.push('you follow them');
    if (relationship.following === 'pending') facts.push('your follow request is pending');
    if (relationship.followedBy === 'active') facts.push('they follow you');
    if (relationship.followedBy === 'pending') facts.push('they asked to follow you');
    if (relationship.muting) facts.push('muted');
    if (facts.length > 0) lines.push(capitalize(facts.join(', ')));
  }
  return lines;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
