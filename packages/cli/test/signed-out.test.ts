import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '@aperture/sdk';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { buildProgram } from '../src/program.js';
import { createCliHome, requireBuild, type CliResult } from './support/cli.js';
import { person, photo, type Person } from './support/social.js';

/**
 * Every command of the program, found by walking commander's own tree (so a command added later is
 * run here too), is run signed out against a real server with plausible arguments. A command that
 * needs an account exits 4 with the `login` hint, whether it finds out from the config file or
 * from the server; one that does not never exits 4.
 *
 * A command missing from EXPECTED fails the test: say there whether it needs an account.
 */
type Expectation = 'account' | 'no account' | { skip: string };

const EXPECTED: Record<string, Expectation> = {
  serve: { skip: 'runs a server until it gets a signal (serve.test.ts starts and stops it)' },
  migrate: 'no account',
  register: 'no account',
  login: 'no account',
  logout: 'no account',
  whoami: 'account',
  admin: 'no account',
  'admin reprocess': 'no account',
  'admin recount': 'no account',
  'admin verify': 'no account',
  'admin events': 'no account',
  'admin backup': 'no account',
  'admin restore': 'no account',
  'admin move': 'no account',
  'admin blocklist': 'no account',
  'admin blocklist add': 'no account',
  'admin blocklist add-file': 'no account',
  'admin blocklist list': 'no account',
  'admin blocklist remove': 'no account',
  'admin blocklist refusals': 'no account',
  upload: 'account',
  post: 'account',
  'delete-post': 'account',
  user: 'no account',
  follow: 'account',
  unfollow: 'account',
  block: 'account',
  unblock: 'account',
  mute: 'account',
  unmute: 'account',
  requests: 'account',
  'requests approve': 'account',
  'requests reject': 'account',
  privacy: 'account',
  settings: 'account',
  'admin words': 'no account',
  'admin words list': 'no account',
  'admin words add': 'no account',
  'admin words remove': 'no account',
  'admin grant': 'no account',
  export: 'account',
  report: 'account',
  reports: 'account',
  mod: 'no account',
  'mod queue': 'account',
  'mod show': 'account',
  'mod hide': 'account',
  'mod unhide': 'account',
  'mod sensitive': 'account',
  'mod unsensitive': 'account',
  'mod remove-comment': 'account',
  'mod restore-comment': 'account',
  'mod suspend': 'account',
  'mod unsuspend': 'account',
  'mod dismiss': 'account',
  'mod role': 'account',
  'mod log': 'account',
  'mod held': 'account',
  'mod release': 'account',
  followers: 'no account',
  following: 'no account',
  'edit-profile': 'account',
  avatar: 'account',
  sessions: 'account',
  'sessions revoke': 'account',
  like: 'account',
  unlike: 'account',
  comment: 'account',
  comments: 'no account',
  feed: 'account',
  tag: 'no account',
  trending: 'no account',
  search: 'no account',
  notifications: 'account',
  loadgen: 'no account',
  'loadgen run': 'no account',
  'loadgen check': 'no account',
  'loadgen plan': 'no account',
  'loadgen seed': 'no account',
  // Signed out, it says so before it asks for a terminal (which this run lacks).
  browse: 'account',
  // Without a terminal it exits 2 before starting anything (demo.test.ts).
  demo: 'no account',
  config: 'no account',
  'config get': 'no account',
  'config set': 'no account',
  'config list': 'no account',
  completion: 'no account',
};

/** What the world offers to plausible arguments. */
interface World {
  url: string;
  author: Person;
  post: PostView;
  photo: string;
}

/** A plausible value for each argument name: real things, so a public command succeeds. */
const ARGUMENTS: Record<string, (w: World) => string[]> = {
  name: (w) => [w.author.username],
  postId: (w) => [w.post.id],
  file: (w) => [w.photo],
  text: () => ['Lovely light'],
  query: () => ['harbour'],
  setting: () => ['private'],
  key: () => ['color'],
  value: () => ['never'],
  shell: () => ['bash'],
  scenario: () => ['get'],
  mediaId: (w) => [w.post.media[0]!.id],
  path: (w) => [w.photo],
  hash: () => ['0123456789abcdef'],
  action: () => ['hold'],
  term: () => ['spoiler'],
  username: (w) => [w.author.username],
  user: (w) => [w.author.username],
  role: () => ['moderator'],
  kind: () => ['post'],
  id: (w) => [w.post.id],
  commentId: () => ['1'],
  holdId: () => ['1'],
};

/** Values of the options a command requires (`requiredOption`), by name. */
const REQUIRED_OPTIONS: Record<string, string> = {
  // A moderator's reason, and a report's: `spam` is one of the report reasons.
  reason: 'spam',
};

/** Whole argument lists where the names alone are not enough (options it must have, other meanings). */
const OVERRIDES: Record<string, (w: World, dir: string) => { args: string[]; input?: string }> = {
  tag: () => ({ args: ['harbour'] }),
  register: () => ({
    args: ['--username', `walker_${process.pid}`, '--email', `walker_${process.pid}@example.com`, '--password-stdin'],
    input: 'correct horse battery staple',
  }),
  login: (w) => ({ args: ['--username', w.author.username, '--password-stdin'], input: 'not the password at all' }),
  // Their arguments are optional: without a name they list your own, which needs an account.
  followers: (w) => ({ args: [w.author.username] }),
  following: (w) => ({ args: [w.author.username] }),
  'edit-profile': () => ({ args: ['--bio', 'Harbour light'] }),
  avatar: (w) => ({ args: [w.photo] }),
  // A session id: signed out, the command must stop before it would matter whose it is.
  'sessions revoke': () => ({ args: ['1'] }),
  'loadgen run': (w) => ({ args: ['get', '--target', w.url, '--rate', '2', '--duration', '1s'] }),
  'loadgen check': (w) => ({ args: ['--target', w.url] }),
  'loadgen plan': () => ({ args: ['--scenario', 'photo-app-1m-dau'] }),
  'loadgen seed': (_w, dir) => ({
    args: ['--database', `sqlite:${dir}/seed.db`, '--users', '3', '--posts-per-user', '1'],
  }),
};

/** Every command path under `command`: `['admin']`, `['admin', 'events']`, … */
function commandPaths(command: Command, path: string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((sub) => {
    const here = [...path, sub.name()];
    return [{ path: here, command: sub }, ...commandPaths(sub, here)];
  });
}

function argumentsOf(command: Command, key: string, world: World, dir: string): { args: string[]; input?: string } {
  const override = OVERRIDES[key];
  if (override) return override(world, dir);
  const required = command.options.filter((option) => option.mandatory);
  return {
    args: [
      ...command.registeredArguments.flatMap((argument) => {
        const value = ARGUMENTS[argument.name()];
        if (!value) throw new Error(`${key}: give <${argument.name()}> a plausible value in ARGUMENTS`);
        return argument.required ? value(world) : [];
      }),
      // Those without a value here are left out: the usage error that follows is not exit 4 either.
      ...required.flatMap((option) => {
        const value = REQUIRED_OPTIONS[option.attributeName()];
        return value === undefined ? [] : [option.long!, value];
      }),
    ],
  };
}

let server: EphemeralServer;
let world: World;

beforeAll(async () => {
  requireBuild();
  server = await startEphemeralServer();
  const author = await person(server.url, 'walked');
  const file = await photo(author, 'walk.jpg', 7);
  const post = await author.json<PostView>(['post', file, '-c', 'Evening at the #harbour']);
  await server.server.settle();
  world = { url: server.url, author, post, photo: file };
}, 120_000);
afterAll(async () => {
  await world?.author.home.cleanup();
  await server?.stop();
});

describe('every command, signed out', () => {
  it('exits 4 with the sign-in hint when it needs an account, and never exits 4 otherwise', async () => {
    const commands = commandPaths(buildProgram());
    const unknown = commands.map((c) => c.path.join(' ')).filter((key) => !(key in EXPECTED));
    expect(unknown, 'new commands: say in EXPECTED whether each needs an account').toEqual([]);

    const failures: string[] = [];
    const ran: string[] = [];
    const queue = [...commands];
    // A few at a time: each is a node process (and some load a server module).
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const key = next.path.join(' ');
        const expectation = EXPECTED[key]!;
        if (typeof expectation === 'object') {
          console.log(`signed-out walk: skipped \`aperture ${key}\`: ${expectation.skip}`);
          continue;
        }
        const home = await createCliHome();
        try {
          const { args, input } = argumentsOf(next.command, key, world, home.dir);
          const result = await home.run([...next.path, ...args], {
            ...(input === undefined ? {} : { input }),
            // Signed out on the world's server; anything on disk goes into the home.
            env: { APERTURE_SERVER: world.url, APERTURE_DATA_DIR: home.dir },
          });
          ran.push(`${key} → ${result.code}`);
          const problem = check(expectation, result);
          if (problem) failures.push(`aperture ${[...next.path, ...args].join(' ')}: ${problem}`);
        } finally {
          await home.cleanup();
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    console.log(`signed-out walk: ${ran.length} commands run (command → exit code): ${ran.sort().join(', ')}`);
    expect(failures).toEqual([]);
    expect(ran.length).toBeGreaterThan(40);
  }, 300_000);
});

function check(expectation: 'account' | 'no account', result: CliResult): string | undefined {
  const said = `exit ${result.code}, stderr: ${result.stderr.trim().slice(0, 300)}`;
  const hinted = result.stderr.includes('Not signed in to') && result.stderr.includes('Sign in with: aperture login');
  if (expectation === 'account') {
    return result.code === 4 && hinted ? undefined : `needs an account, so exit 4 with the hint; got ${said}`;
  }
  return result.code !== 4 && !result.stderr.includes('UNAUTHENTICATED') ? undefined : `needs no account; got ${said}`;
}
