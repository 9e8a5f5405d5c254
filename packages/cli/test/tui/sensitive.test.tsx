import { describe, expect, it } from 'vitest';
import type { PostView } from '@aperture/sdk';
import { tuiWorld, type TestUser } from './support.js';

const world = tuiWorld();

/** Kitty's graphics command that shows a picture: the real photo, never its placeholder. */
const KITTY_IMAGE = '\u001b_Ga=T,f=100';
const KITTY = { protocol: 'kitty', color: 'truecolor' } as const;

async function sensitivePost(author: TestUser, caption: string, seed: number): Promise<PostView> {
  const post = await world.post(author, caption, seed);
  return author.client.posts.update(post.id, { sensitive: true });
}

/** Waits long enough for a photo to have been fetched and drawn, had it been asked for. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

describe('browse: sensitive posts', () => {
  it('covers a sensitive post with its blurred placeholder until v, and draws it after', async () => {
    const ada = await world.user('viewer');
    const bob = await world.user('sensitive');
    await ada.client.graph.follow({ username: bob.username });
    await sensitivePost(bob, 'Behind the cover', 21);

    const app = world.mount(ada, { support: KITTY });
    const covered = await app.until('Behind the cover');
    expect(covered).toContain('sensitive — press v to view');
    // The cover is the placeholder, drawn as half blocks; the picture itself never comes.
    expect(covered).toMatch(/[▀▄]/);
    await settle();
    expect(app.written()).not.toContain(KITTY_IMAGE);

    await app.press('v');
    await app.until('Showing a post marked sensitive.');
    const deadline = Date.now() + 10_000;
    while (!app.raw().includes(KITTY_IMAGE) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(app.raw()).toContain(KITTY_IMAGE);
    expect(app.frame()).not.toContain('sensitive — press v to view');

    // Shown on every screen from then on: the post opened on its own is not covered again.
    await app.press('enter');
    await app.until((f) => f.includes('Post') && f.includes('Comments ('));
    expect(app.frame()).not.toContain('press v to view');
    await app.press('v');
    await app.until('This post is already shown.');
  });

  it('covers only sensitive posts, in a profile grid too, and says so for v on a plain one', async () => {
    const ada = await world.user('gridviewer');
    const bob = await world.user('gridposter');
    await world.post(bob, 'Plain one', 22);
    await sensitivePost(bob, 'Covered one', 23);

    const app = world.mount(ada, { route: { kind: 'profile', username: bob.username } });
    const grid = await app.until('sensitive · v');
    expect(grid.match(/sensitive · v/g)).toHaveLength(1);
    // The newest (sensitive) post is selected first; the next one is plain.
    await app.press('l');
    await app.until('Liked');
    await app.press('v');
    await app.until('Showing a post marked sensitive.');
    await app.until((f) => !f.includes('sensitive · v'));
    await app.press('j', 'v');
    await app.until('This post is not marked sensitive: nothing is covered.');
  });

  it('covers nothing for a viewer whose account always shows sensitive media', async () => {
    const ada = await world.user('brave');
    const bob = await world.user('sensitive2');
    await ada.client.graph.follow({ username: bob.username });
    await sensitivePost(bob, 'Shown at once', 24);
    const me = await ada.client.accounts.update({ showSensitive: true });
    expect(me.showSensitive).toBe(true);

    const app = world.mount({ ...ada, me }, { support: KITTY });
    await app.until('Shown at once');
    const deadline = Date.now() + 10_000;
    while (!app.raw().includes(KITTY_IMAGE) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(app.raw()).toContain(KITTY_IMAGE);
    expect(app.frame()).not.toContain('press v to view');
  });
});
