import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationView, PostView } from '@aperture/sdk';
import { BIN } from './support/cli.js';
import { photo, socialWorld, type Person } from './support/social.js';
import { hasTmux, shellQuote, startTmux, type TmuxSession } from './support/tmux.js';

/** The repository root: where `npx aperture` finds the workspace's binary. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
if (!hasTmux) console.warn('notifications.test.ts: the Ctrl-C-in-a-terminal test is skipped: tmux is not installed.');
let tmux: TmuxSession | undefined;
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

const world = socialWorld();
const someone = (prefix: string): Promise<Person> => world.someone(prefix);

describe('aperture notifications', () => {
  it('lists notifications as sentences, as lines for scripts and as JSON', async () => {
    const ada = await someone('star');
    const bob = await someone('fan');
    const post = await ada.json<PostView>(['post', await photo(ada, 'n.jpg', 91), '-c', 'Harbour']);
    expect((await ada.run(['notifications'])).stderr).toContain('No notifications yet.');

    expect((await bob.run(['follow', ada.username])).code).toBe(0);
    expect((await bob.run(['like', post.id])).code).toBe(0);
    await world.server.server.background.dispatcher.drain();

    const listed = await ada.run(['notifications']);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    // The post by the start of its caption, not its id (which stays in its own column when piped).
    expect(lines[0]).toContain(`@${bob.username} liked your post “Harbour”`);
    expect(lines[0]).toContain(`\t${post.id}\t`);
    expect(lines[1]).toContain(`@${bob.username} started following you`);

    const json = await ada.json<NotificationView[]>(['notifications', '--mark-read']);
    expect(json.map((n) => [n.kind, n.read])).toEqual([
      ['like', false],
      ['follow', false],
    ]);
    expect((await ada.json<NotificationView[]>(['notifications'])).every((n) => n.read)).toBe(true);
  });

  it('names a post by its caption, or for one without a caption by its id', async () => {
    const ada = await someone('named');
    const bob = await someone('reader');
    const long = await ada.json<PostView>([
      'post',
      await photo(ada, 'l.jpg', 93),
      '-c',
      `Harbour lights over the water at dusk, ${'with gulls and the ferry coming in '.repeat(4)}`,
    ]);
    const bare = await ada.json<PostView>(['post', await photo(ada, 'b.jpg', 94)]);
    expect((await bob.run(['like', long.id])).code).toBe(0);
    expect((await bob.run(['comment', bare.id, 'Nice one'])).code).toBe(0);
    await world.server.server.background.dispatcher.drain();

    const [comment, like] = (await ada.run(['notifications'])).stdout.trim().split('\n');
    expect(comment).toContain(`@${bob.username} commented on your post ${bare.id} (no caption)`);
    expect(like).toMatch(
      new RegExp(`@${bob.username} liked your post “Harbour lights over the water at dusk, with gulls[^”]*…”`),
    );
  });

  it('--follow prints new notifications as they arrive; Ctrl-C (SIGINT) exits 130', async () => {
    const ada = await someone('live');
    const bob = await someone('liker');
    const post = await ada.json<PostView>(['post', await photo(ada, 'f.jpg', 92), '-c', 'Quay']);

    const child = spawn(process.execPath, [BIN, '--json', 'notifications', '--follow'], {
      env: ada.home.env,
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    const waiting = new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('Waiting for new notifications')) resolve();
      }),
    );
    const arrived = new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Whether the like lands before the list, between the list and the stream, or after: it is
    // printed once (the stream resumes after the newest listed notification).
    await waiting;
    expect((await bob.run(['like', post.id])).code).toBe(0);
    await arrived;
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).not.toContain('error');
    const first = JSON.parse(stdout.trim().split('\n')[0]!) as NotificationView;
    expect(first).toMatchObject({ kind: 'like', actor: { username: bob.username }, post: { id: post.id } });
  });

  it.skipIf(!hasTmux)(
    '--follow: Ctrl-C in a terminal exits 130, run directly or through npx',
    async () => {
      const ada = await someone('ctrlc');
      const env = Object.entries(ada.home.env)
        .map(([key, value]) => `${key}=${shellQuote(value ?? '')}`)
        .join(' ');
      for (const runner of [`${process.execPath} ${BIN}`, 'npx aperture']) {
        // The shell traps SIGINT so that it outlives the Ctrl-C and reports how its child ended.
        const script = `trap : INT; ${runner} notifications --follow; echo "exit status: $?"`;
        tmux = startTmux(`cd ${shellQuote(ROOT)} && env ${env} bash -c ${shellQuote(script)}`);
        await tmux.until((screen) => screen.includes('Waiting for new notifications'), `${runner}: following`, 60_000);
        tmux.sendKeys('C-c');
        const screen = await tmux.until((s) => /exit status: \d+/.test(s), `${runner}: its exit`);
        expect(screen, runner).toContain('exit status: 130');
        tmux.kill();
      }
    },
    120_000,
  );

  it('--follow exits 4 with the sign-in hint when its session ends (logged out elsewhere)', async () => {
    const ada = await someone('ends');
    const child = spawn(process.execPath, [BIN, 'notifications', '--follow'], { env: ada.home.env, stdio: 'pipe' });
    let stderr = '';
    const waiting = new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('Waiting for new notifications')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await waiting;
    // Signed out from another terminal: the server ends the stream of that session.
    expect((await ada.run(['logout'])).code).toBe(0);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('still following 15 s after the logout'), 15_000);
      }),
    ]).finally(() => {
      clearTimeout(timer);
      child.kill('SIGINT');
    });
    expect(code, stderr).toBe(4);
    expect(stderr).toContain('session');
    expect(stderr).toContain(`Sign in again with: aperture login --username ${ada.username}`);
  });
});
