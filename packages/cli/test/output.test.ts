import { describe, expect, it } from 'vitest';
import { createClient, type ApertureClient, type NotificationView, type PostView } from '@aperture/sdk';
import { ConfigStore, configPath } from '../src/config-store.js';
import { createCliHome, runOnTerminal } from './support/cli.js';
import { photo, socialWorld, type Person } from './support/social.js';

const world = socialWorld();
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const ESC = '\x1b[';

let scenes = 0;

/**
 * Ada posts, Bob follows, likes and comments: enough for every read command to have data. The
 * hashtag (also the word searched for) is new in each scene, as the tests share one server.
 */
async function scene(): Promise<{ ada: Person; bob: Person; post: PostView; tag: string }> {
  scenes += 1;
  const tag = `dusk${process.pid}x${scenes}`;
  const ada = await world.someone('ada');
  const bob = await world.someone('bob');
  const post = await ada.json<PostView>(['post', await photo(ada, 'p.jpg', 70 + scenes), '-c', `Harbour #${tag}`]);
  expect((await bob.run(['follow', ada.username])).code).toBe(0);
  expect((await bob.run(['like', post.id])).code).toBe(0);
  expect((await bob.run(['comment', post.id, 'Lovely'])).code).toBe(0);
  await world.server.server.settle();
  return { ada, bob, post, tag };
}

/** The SDK, signed in as the CLI signed this person in (the token from their config file). */
async function sdkAs(person: Person): Promise<ApertureClient> {
  const config = await new ConfigStore(configPath(person.home.env)).read();
  const profile = config.profiles[config.currentProfile ?? 'default'];
  return createClient({ url: world.server.url, token: profile?.token ?? null });
}

/** stdout split into records and fields, after checking that nothing in it is decoration. */
function records(stdout: string): string[][] {
  expect(stdout).not.toContain(ESC);
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

// Each test runs the binary a dozen times; on a loaded machine that takes longer than the default.
describe('output of the read commands', { timeout: 120_000 }, () => {
  it('prints JSON that parses, with --json, for every read command', async () => {
    const { ada, bob, post, tag } = await scene();
    expect(await ada.json(['whoami'])).toMatchObject({ profile: 'default', user: { username: ada.username } });
    expect(await bob.json(['user', ada.username])).toMatchObject({
      user: { username: ada.username },
      counts: { posts: 1, followers: 1 },
      posts: [{ id: post.id }],
      more: false,
    });
    expect(await ada.json(['requests'])).toEqual([]);
    expect(await bob.json(['comments', post.id])).toMatchObject([{ body: 'Lovely', replies: [] }]);
    expect(await bob.json(['feed'])).toMatchObject([{ id: post.id, author: { username: ada.username } }]);
    expect(await bob.json(['tag', tag])).toMatchObject({ name: tag, postCount: 1, posts: [{ id: post.id }] });
    expect(Array.isArray(await bob.json(['trending']))).toBe(true);
    expect(await bob.json(['search', tag])).toMatchObject({ posts: { items: [{ id: post.id }] } });
    const kinds = (await ada.json<NotificationView[]>(['notifications'])).map((n) => n.kind).sort();
    expect(kinds).toEqual(['comment', 'follow', 'like']);
    expect(await ada.json(['config', 'list'])).toMatchObject({ 'current-profile': 'default' });
    expect(await ada.json(['completion', 'fish'])).toMatchObject({ shell: 'fish' });
  });

  it('prints with --json exactly what the SDK returns for the same read', async () => {
    const { ada, bob, post } = await scene();
    const [adaSdk, bobSdk] = [await sdkAs(ada), await sdkAs(bob)];
    expect(await bob.json(['feed'])).toEqual(await bobSdk.feed.home({ limit: 20 }).toArray({ max: 20 }));
    expect(await ada.json(['notifications'])).toEqual(await adaSdk.notifications.list().toArray());
    const [comment] = await bobSdk.comments.list(post.id).toArray();
    expect(await bob.json(['comments', post.id])).toEqual([{ ...comment, replies: [] }]);
  });

  it('prints tab-separated records in the documented columns when piped, without colour', async () => {
    const { ada, bob, post, tag } = await scene();
    // feed: post id, author, date, media, video lengths (none here), likes, comments, audience, caption.
    const [feedRow] = records((await bob.run(['feed'])).stdout);
    expect(feedRow).toEqual([
      post.id,
      `@${ada.username}`,
      post.createdAt,
      '1',
      '',
      '1',
      '1',
      'everyone',
      `Harbour #${tag}`,
    ]);

    // notifications: id, kind, read/unread, actor, post id, date, sentence.
    const notes = records((await ada.run(['notifications'])).stdout);
    expect(notes.map((n) => n[1]).sort()).toEqual(['comment', 'follow', 'like']);
    for (const n of notes) {
      expect(n).toHaveLength(7);
      expect(n[2]).toBe('unread');
      expect(n[3]).toBe(bob.username);
      expect(n[4]).toBe(n[1] === 'follow' ? '' : post.id);
      expect(n[5]).toMatch(ISO);
    }

    // search: the kind first, then that kind's columns.
    const found = records((await bob.run(['search', tag])).stdout);
    expect(found).toContainEqual(['tag', tag, '1']);
    expect(found).toContainEqual(['post', post.id, ada.username, post.createdAt, `Harbour #${tag}`]);

    // tag: the card, a blank line, then the posts in the columns of feed.
    const card = (await bob.run(['tag', tag])).stdout.split('\n');
    expect(card[0]).toMatch(new RegExp(`^#${tag} · 1 post · since \\d{4}-\\d\\d-\\d\\dT`));
    expect(card[1]).toBe('');
    expect(card[2]?.split('\t')[0]).toBe(post.id);

    // Forcing colour off changes nothing piped; the variables are honoured below on a terminal.
    expect((await bob.run(['feed', '--color', 'never'])).stdout).toBe((await bob.run(['feed'])).stdout);
  });

  it('draws tables with a bold header on a terminal, and no colour with NO_COLOR or --color never', async () => {
    const { bob } = await scene();
    const env = bob.home.env;
    const coloured = await runOnTerminal(['feed'], env);
    expect(coloured).toContain(`${ESC}1mPOST`);
    expect(coloured).toMatch(/POST {2,}AUTHOR {2,}DATE/);

    for (const plain of [
      await runOnTerminal(['feed'], { ...env, NO_COLOR: '1' }),
      await runOnTerminal(['feed', '--color', 'never'], env),
    ]) {
      expect(plain).toMatch(/POST {2,}AUTHOR {2,}DATE/);
      expect(plain).not.toContain(ESC);
    }
    // An empty NO_COLOR does not count (no-color.org); FORCE_COLOR wins over NO_COLOR, as in Node.
    expect(await runOnTerminal(['feed'], { ...env, NO_COLOR: '' })).toContain(`${ESC}1m`);
    expect(await runOnTerminal(['feed'], { ...env, NO_COLOR: '1', FORCE_COLOR: '1' })).toContain(`${ESC}1m`);

    // The color setting applies to every command; --color overrides it.
    expect((await bob.run(['config', 'set', 'color', 'never'])).code).toBe(0);
    expect(await runOnTerminal(['feed'], env)).not.toContain(ESC);
    expect(await runOnTerminal(['feed', '--color', 'always'], env)).toContain(`${ESC}1m`);
  });

  it('keeps hints and progress off stderr with --quiet, and exits 0, 1, 2 and 4 as documented', async () => {
    const carol = await world.someone('carol');
    const hinted = await carol.run(['feed']);
    expect(hinted.code).toBe(0);
    expect(hinted.stderr).toContain('Your feed is empty');
    const quiet = await carol.run(['feed', '--quiet']);
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const uploaded = await carol.run(['upload', '-q', await photo(carol, 'q.jpg', 5)]);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    expect(uploaded.stderr).toBe('');
    expect(uploaded.stdout).toMatch(/^.*q\.jpg: media \d+/);

    const missing = await carol.run(['user', 'nobody_by_that_name']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('NOT_FOUND');
    expect((await carol.run(['frobnicate'])).code).toBe(2);
    expect((await carol.run(['feed', '--color', 'sometimes'])).code).toBe(2);

    const out = await carol.run(['logout', '--json']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ profile: 'default', wasSignedIn: true });
    const signedOut = await carol.run(['notifications']);
    expect(signedOut.code).toBe(4);
    expect(signedOut.stdout).toBe('');

    const stranger = await createCliHome();
    try {
      const result = await stranger.run(['whoami', '--server', world.server.url]);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`Not signed in to ${world.server.url}`);
    } finally {
      await stranger.cleanup();
    }
  });
});
