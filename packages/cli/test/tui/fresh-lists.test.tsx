import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, tuiWorld } from './support.js';

const world = tuiWorld();

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aperture-fresh-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A photo on disk for Compose to publish. */
async function photoFile(name: string, seed: number): Promise<string> {
  const file = join(dir, name);
  const bytes = await sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: (seed * 53) % 256, g: 120, b: 30 } },
  })
    .jpeg()
    .toBuffer();
  await writeFile(file, bytes);
  return file;
}

/** Drives Compose from wherever the app is: files, caption, publish; waits for the new post to open. */
async function compose(app: ReturnType<typeof world.mount>, file: string, caption: string): Promise<void> {
  await app.press('p');
  await app.until('(enter to add paths)');
  await app.press('enter');
  await app.until('Files (paths, space-separated):');
  await app.press(file, 'enter');
  await app.press('j', 'enter');
  await app.until('Caption:');
  await app.press(caption, 'enter');
  await app.press('j', 'j', 'enter');
  await app.until((f) => f.includes('› Post') && f.includes(caption), 20_000);
}

// None of these tests presses `r`: what changed elsewhere must show when the user comes back.
describe('browse: lists stay fresh when you come back to them', () => {
  it('Home shows a like and a comment made in the post view, after esc', async () => {
    const ada = await world.user('fresh');
    const bob = await world.user('counted');
    await ada.client.graph.follow({ username: bob.username });
    await world.post(bob, 'Count on me', 1);

    const app = world.mount(ada);
    await app.until(/› @counted\S* ♡0 c0/);
    await app.press('enter');
    await app.until('Comments (0)');
    await app.press('l');
    await app.until('♥ 1 like');
    await app.press('c');
    await app.until('Comment:');
    await app.press('Nice one', 'enter');
    await app.until('Comment posted.');
    await app.press('esc');
    const home = await app.until((f) => f.includes('Home') && /› @counted\S* ♥1 c1/.test(f));
    expect(home).toContain('Count on me');
  });

  it('Home shows a post just published from Compose, keeping the selected post selected', async () => {
    const ada = await world.user('writer');
    const bob = await world.user('older');
    await ada.client.graph.follow({ username: bob.username });
    await world.post(bob, 'First of two', 2);
    await world.post(bob, 'Second of two', 3);
    const file = await photoFile('fresh.jpg', 4);

    const app = world.mount(ada);
    await app.until('Second of two');
    await app.press('j');
    await app.until((f) => /› @older\S* ♡0 c0/.test(f) && f.includes('First of two'));
    await compose(app, file, 'Straight from Compose');
    await app.press('esc', 'esc');
    const home = await app.until((f) => f.includes('Home') && f.includes(`@${ada.username} ♡0 c0`));
    // The new post is listed first; the selection is still on the post that was selected.
    const lines = home.split('\n');
    const rows = lines.filter((line) => /@\S+ ♡\d+ c\d+/.test(line));
    expect(rows[0]).toContain(`@${ada.username}`);
    expect(home).toContain('Straight from Compose');
    const selected = lines.findIndex((line) => line.startsWith('› '));
    expect(lines[selected]).toMatch(/› @older/);
    expect(lines[selected + 1]).toContain('First of two');
  });

  it('your profile grid and its post count show a post just published from Compose', async () => {
    const ada = await world.user('gridder');
    await world.post(ada, 'Already there', 5);
    const file = await photoFile('grid.jpg', 6);

    const app = world.mount(ada, { route: { kind: 'profile', username: ada.username } });
    await app.until('1 post ·');
    await compose(app, file, 'Grid newcomer');
    await app.press('esc', 'esc');
    const profile = await app.until('2 posts ·');
    expect(profile.match(/[♡♥]\d+ c\d+/g)).toHaveLength(2);
  });

  it("a profile's grid shows a like made in the post view, after esc", async () => {
    const ada = await world.user('gridlike');
    const bob = await world.user('gridowner');
    await world.post(bob, 'In the grid', 7);

    const app = world.mount(ada, { route: { kind: 'profile', username: bob.username } });
    await app.until('›♡0 c0');
    await app.press('enter');
    await app.until('Comments (0)');
    await app.press('l');
    await app.until('♥ 1 like');
    await app.press('esc');
    await app.until((f) => f.includes(`@${bob.username}`) && f.includes('›♥1 c0'));
  });

  it('a hashtag list shows a like made in the post view, after esc', async () => {
    const ada = await world.user('taglike');
    const bob = await world.user('tagger');
    const tag = `fresh${process.pid % 10_000}`;
    await world.post(bob, `Tagged #${tag}`, 8);
    // Tags are attached after the post commits (an outbox handler): wait until the tag lists it.
    await eventually(
      async () => ada.client.feed.hashtag(tag),
      (page) => page.items.length === 1,
    );

    const app = world.mount(ada, { route: { kind: 'hashtag', tag } });
    await app.until(/› @tagger\S* ♡0 c0/);
    await app.press('enter');
    await app.until('Comments (0)');
    await app.press('l');
    await app.until('♥ 1 like');
    await app.press('esc');
    await app.until((f) => f.includes(`#${tag}`) && /› @tagger\S* ♥1 c0/.test(f));
  });

  it("a post view shows a like made on its author's grid opened above it, after esc", async () => {
    const ada = await world.user('deep');
    const bob = await world.user('deepowner');
    const post = await world.post(bob, 'Seen twice', 10);

    const app = world.mount(ada, { route: { kind: 'post', postId: post.id } });
    await app.until('♡ 0 likes');
    await app.press('u');
    await app.until('›♡0 c0');
    await app.press('l');
    await app.until('›♥1 c0');
    await app.press('esc');
    await app.until((f) => f.includes('Seen twice') && f.includes('♥ 1 like'));
  });

  it("a profile shows a follow made in its post's view, after esc", async () => {
    const ada = await world.user('follower');
    const bob = await world.user('followed');
    await world.post(bob, 'Follow from here', 9);

    const app = world.mount(ada, { route: { kind: 'profile', username: bob.username } });
    await app.until('Not following (f to follow)');
    expect(app.frame()).toContain('0 followers');
    await app.press('enter');
    await app.until('Comments (0)');
    await app.press('f');
    await app.until(`Following @${bob.username}.`);
    await app.press('esc');
    const profile = await app.until('Following (f unfollows)');
    expect(profile).toContain('1 follower ·');
  });
});
