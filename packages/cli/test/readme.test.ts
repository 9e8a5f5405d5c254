// The README's "Use it" section, run as written: the server started as Quick start says
// (`npm start`), every command line of the "Use it" block executed by bash exactly as it stands in
// README.md, the SDK snippet compiled against the built SDK and run, and the runnable examples.
// Lines are read from README.md at run time, so a command added there is exercised here, and a
// README that stops matching the program fails this test.
//
// The only changes to a line are those it cannot run without: the password goes to stdin
// (`--password-stdin`) and `<postId>`-style placeholders get what earlier lines printed. The run is
// kept apart from anything on the machine by the environment alone: the server takes a free port
// (APERTURE_PORT=0) and a fresh data folder (APERTURE_DATA_DIR), the commands reach it through
// APERTURE_SERVER and keep their config in a fresh XDG_CONFIG_HOME.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, createClient, type ApertureClient } from '@aperture/sdk';
import { requireBuild } from './support/cli.js';
import {
  apertureCommands,
  commandLines,
  fillIn,
  PASSWORD,
  photo,
  readmeBlock,
  REPO,
  runShell,
  startShell,
  waitFor,
  type ShellProcess,
} from './support/readme.js';

/** Values a line prints that a later line's `<placeholder>` names. */
const CAPTURES: Record<string, RegExp> = {
  postId: /^Posted (\d+) /m,
  commentId: /: comment (\d+)\.$/m,
  mediaId: /^\S+: media (\d+)$/m,
};

/**
 * What each command must print (stdout and stderr together) besides exiting 0, given its first
 * argument; a command not listed here must exit 0.
 */
function expectedOutput(command: string, arg: string | undefined, known: ReadonlyMap<string, string>): RegExp[] {
  const postId = known.get('postId') ?? '\\d+';
  const name = arg?.replace(/^[@#]/, '') ?? '\\S+';
  const table: Record<string, RegExp[]> = {
    register: [/^Registered and signed in as \w+ on http/m],
    login: [/^Signed in as \w+ on http/m],
    whoami: [/^\S+\thttp:\/\/\S+\t\w+\t/m],
    upload: [/\/media\/\d+\/w640\.webp/, /\/media\/\d+\/w1080\.jpg/],
    post: [/^Posted \d+ \((\d+ photos?|\d+ videos?|\d+ photos? and \d+ videos?), (public|followers only)\)\.$/m],
    user: [new RegExp(`^@${name}$`, 'm')],
    follow: [new RegExp(`^(Asked to follow @${name}: the account is private|Following @${name}\\.)`, 'm')],
    like: [new RegExp(`^Liked post ${postId} \\(\\w+\\); it has \\d+ likes?\\.$`, 'm')],
    comment: [new RegExp(`^Commented on post ${postId}: comment \\d+\\.$`, 'm')],
    feed: [new RegExp(`^${postId}\\t@\\w+\\t`, 'm')],
    tag: [new RegExp(`^#${name} · \\d+ posts? · since `, 'm'), new RegExp(`^${postId}\\t@\\w+\\t`, 'm')],
    search: [new RegExp(`^post\\t${postId}\\t`, 'm')],
    logout: [/^Signed out of http/m],
  };
  return table[command] ?? [];
}

let dir: string;
let env: NodeJS.ProcessEnv;
let server: ShellProcess;
let url: string;
let ben: ApertureClient;

beforeAll(async () => {
  requireBuild();
  for (const pkg of ['server', 'sdk']) {
    if (!existsSync(join(REPO, 'packages', pkg, 'dist', 'index.js'))) {
      throw new Error(`packages/${pkg}/dist is missing: run npm run build first`);
    }
  }
  // Inside the clone, as a reader's shell would be (so `npx aperture` and `@aperture/sdk` resolve
  // to the workspace, never the registry), yet where no tool or git looks.
  await mkdir(join(REPO, 'node_modules', '.cache'), { recursive: true });
  dir = await mkdtemp(join(REPO, 'node_modules', '.cache', 'aperture-readme-'));
  for (const [name, hue] of [
    ['photo.jpg', 20],
    ['a.jpg', 200],
    ['b.jpg', 120],
  ] as const) {
    await writeFile(join(dir, name), await photo(hue));
  }
  // Nothing inherited from the developer's shell or from `npm test` beyond what node and npm need.
  env = {
    PATH: process.env['PATH'],
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    APERTURE_PASSWORD: PASSWORD,
    PASSWORD,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };

  const quickStart = commandLines(readmeBlock('Quick start', 'sh'));
  const start = quickStart.indexOf('npm start');
  expect(start, 'Quick start starts the server with npm start').toBeGreaterThanOrEqual(0);
  // `npm install` already ran: this test runs in the installed clone (CI's first step).
  for (const line of quickStart.slice(0, start).filter((l) => !/^npm (install|ci)\b/.test(l))) {
    const run = await runShell(line, { cwd: dir, env, timeoutMs: 120_000 });
    expect(run.code, `${line}\n${run.stdout}${run.stderr}`).toBe(0);
  }
  server = startShell('npm start', {
    cwd: dir,
    env: { ...env, APERTURE_PORT: '0', APERTURE_DATA_DIR: join(dir, 'data'), APERTURE_LOG_LEVEL: 'warn' },
  });
  let exited = false;
  void server.done.then(() => (exited = true));
  url = await waitFor('npm start to print its URL', 60_000, () => {
    const { stdout, stderr } = server.output();
    if (exited) throw new Error(`npm start exited:\n${stdout}${stderr}`);
    return /Aperture is running at (http:\/\/\S+)/.exec(stdout)?.[1];
  });
  await waitFor('/readyz', 60_000, async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined));
  env['APERTURE_SERVER'] = url;

  // The block follows `ben` ("a request, if ben's account is private"): ben exists, and is private.
  ben = createClient({ url });
  await ben.auth.register({ username: 'ben', email: 'ben@example.com', password: PASSWORD });
  await ben.accounts.update({ isPrivate: true });
}, 180_000);

afterAll(async () => {
  if (server) {
    server.signal('SIGTERM');
    const stopped = await Promise.race([server.done, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (!stopped) server.signal('SIGKILL');
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('README "Use it"', () => {
  it(
    'runs every command line of the block as written, each exiting 0 with what it promises',
    { timeout: 240_000 },
    async () => {
      const lines = commandLines(readmeBlock('Use it', 'sh'));
      const known = new Map<string, string>();
      for (const line of lines) {
        const command = fillIn(line, known);
        const commands = apertureCommands(line);
        const run = /\bnotifications\b.*\s--follow\b/.test(line)
          ? await followUntilLive(command, known)
          : await runShell(command, { cwd: dir, env, input: PASSWORD, timeoutMs: 90_000 });
        const output = `${run.stdout}\n${run.stderr}`;
        expect(run.code, `${command}\n${output}`).toBe(0);
        for (const { name, arg } of commands) {
          for (const pattern of expectedOutput(name, arg, known)) expect(output, command).toMatch(pattern);
        }
        for (const [name, pattern] of Object.entries(CAPTURES)) {
          const value = pattern.exec(run.stdout)?.[1];
          if (value !== undefined) known.set(name, value);
        }
      }
      expect(known.get('postId'), 'the block posts, and later lines use its id').toBeDefined();
    },
  );

  it(
    'runs the SDK snippet as written: it compiles, works, and its abort signal ends it',
    { timeout: 180_000 },
    async () => {
      const snippetDir = join(dir, 'sdk-snippet');
      await mkdir(snippetDir, { recursive: true });
      // The one change: the snippet's server is this test's, not the default port.
      const source = readmeBlock('Use it', 'ts').join('\n').replaceAll('http://127.0.0.1:4000', url);
      await writeFile(join(snippetDir, 'snippet.ts'), `${source}\n`);
      await writeFile(join(snippetDir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
      // A consumer's usual strict settings, against the SDK as built (dist and its bundled types).
      const compilerOptions = {
        strict: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        types: ['node'],
        outDir: 'dist',
        skipLibCheck: false,
      };
      await writeFile(join(snippetDir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['snippet.ts'] }));
      const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
      const compiled = await runShell(`node '${tsc}' -p sdk-snippet`, { cwd: dir, env, timeoutMs: 120_000 });
      expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);

      // The snippet signs in as ana: make sure she exists even when the block above did not run.
      await createClient({ url })
        .auth.register({ username: 'ana', email: 'ana@example.com', password: PASSWORD })
        .catch((error: unknown) => {
          if (!(error instanceof ConflictError)) throw error;
        });
      await ben.auth.login({ username: 'ben', password: PASSWORD });
      await ben.graph.follow({ username: 'ana' });

      const snippet = startShell('node sdk-snippet/dist/snippet.js', { cwd: dir, env });
      try {
        // Something must arrive through the subscription: ben comments on ana's newest post until
        // the snippet prints it (comments made before it subscribed are not sent: it starts from now).
        await waitFor('a live notification printed by the snippet', 60_000, async () => {
          if (/^comment ben$/m.test(snippet.output().stdout)) return true;
          const { stdout, stderr } = snippet.output();
          if (/^\d+ 2$/m.test(stdout)) {
            const [latest] = (await ben.posts.byUser({ username: 'ana', limit: 1 })).items;
            await ben.comments.create({ postId: latest!.id, body: 'Lovely light' });
          }
          if (stderr.includes('Error')) throw new Error(stdout + stderr);
          await new Promise((resolve) => setTimeout(resolve, 800));
          return undefined;
        });
        snippet.signal('SIGINT');
        const run = await Promise.race([
          snippet.done,
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000)),
        ]);
        expect(run, 'SIGINT aborts the subscription, the loop ends and the program exits').toBeDefined();
        expect(run!.signal, run!.stderr).toBeNull();
        expect(run!.code, run!.stderr).toBe(0);
        expect(run!.stdout).toMatch(/username: 'ana'/);
        expect(run!.stdout).toMatch(/^hashing 0$/m);
        expect(run!.stdout).toMatch(/\/media\/\d+\/w640\.webp/);
        expect(run!.stdout).toMatch(/^\d+ 2$/m);
        expect(run!.stdout).toMatch(/^ben$/m);
        expect(run!.stdout).toMatch(/^Harbour at dusk #sunset$/m);
      } finally {
        snippet.signal('SIGKILL');
      }
    },
  );

  it(
    'runs the runnable examples as the README says: npm run example:quickstart, example:social, example:video-post',
    { timeout: 180_000 },
    async () => {
      const quickstart = await runShell('npm run example:quickstart', { cwd: dir, env, timeoutMs: 120_000 });
      expect(quickstart.code, quickstart.stdout + quickstart.stderr).toBe(0);
      expect(quickstart.stdout).toMatch(/^(Registered|Signed in as) quickstart on http/m);
      expect(quickstart.stdout).toMatch(/username: 'quickstart'/);

      const social = await runShell('npm run example:social', { cwd: dir, env, timeoutMs: 120_000 });
      expect(social.code, social.stdout + social.stderr).toBe(0);
      expect(social.stdout).toContain(`Server: ${url}\n`);
      expect(social.stdout).toMatch(/^What ben_\w+ sees:$/m);

      const video = await runShell('npm run example:video-post', { cwd: dir, env, timeoutMs: 120_000 });
      expect(video.code, video.stdout + video.stderr).toBe(0);
      expect(video.stdout).toMatch(/^clip: processing 100%$/m);
      expect(video.stdout).toMatch(/^ {5}720p: http:\/\/\S+\/media\/\d+\/720\.mp4$/m);
    },
  );
});

/**
 * `notifications --follow` runs until Ctrl-C. It is run with ben acting meanwhile: it must list
 * what ben did before, print a comment ben makes while it waits, and stop on Ctrl-C (SIGINT to its
 * process group, as a terminal sends it). Through `npx` and a shell the end is reported as 0, 130
 * (128 + SIGINT, npm's wrapper) or death by SIGINT (the shell): all mean it stopped because it was
 * asked to. What `aperture` itself exits with on SIGINT is notifications.test.ts's to check.
 */
async function followUntilLive(command: string, known: ReadonlyMap<string, string>) {
  await ben.auth.login({ username: 'ben', password: PASSWORD });
  await ben.graph.follow({ username: 'ana' });
  const postId = known.get('postId');
  if (postId !== undefined) await ben.likes.like(postId);
  const follow = startShell(command, { cwd: dir, env });
  try {
    await waitFor('notifications --follow to wait for new ones', 60_000, () => {
      const { stderr } = follow.output();
      if (/error/i.test(stderr)) throw new Error(stderr);
      return stderr.includes('Waiting for new notifications') ? true : undefined;
    });
    if (postId !== undefined) {
      await ben.comments.create({ postId, body: 'Lovely light' });
      // A post is named by the start of its caption (or by its id when it has none).
      const named = new RegExp(`@ben commented on your post (“[^”]+”|${postId})`);
      await waitFor('the live comment', 30_000, () => (named.test(follow.output().stdout) ? true : undefined));
    }
    expect(follow.output().stdout).toContain('@ben started following you');
    follow.signal('SIGINT');
    const run = await Promise.race([
      follow.done,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000)),
    ]);
    if (run === undefined) throw new Error(`${command} did not stop on Ctrl-C within 15 s`);
    const stoppedByCtrlC = run.code === 0 || run.code === 130 || run.signal === 'SIGINT';
    return { ...run, code: stoppedByCtrlC ? 0 : run.code };
  } finally {
    follow.signal('SIGKILL');
  }
}
