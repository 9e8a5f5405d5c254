import { describe, expect, it } from 'vitest';
import { tuiWorld } from './support.js';

const world = tuiWorld();

describe('browse: search and hashtag', () => {
  it('/ searches; enter on a tag opens its page with its posts', async () => {
    const ada = await world.user('seeker');
    const bob = await world.user('tagger');
    await world.post(bob, 'Evening glow #zzsunset', 1);

    const app = world.mount(ada);
    await app.until('Your feed is empty');
    await app.press('/');
    await app.until('Search:');
    await app.press('zzsunset', 'enter');
    const results = await app.until('tag   #zzsunset');
    expect(results).toContain(`post  @${bob.username}: Evening glow #zzsunset`);
    await app.press('enter');
    const page = await app.until('Evening glow #zzsunset');
    // The tag's count may lag a few seconds (the server counts asynchronously); its posts do not.
    expect(page).toMatch(/› #zzsunset\s/);
    expect(page).toMatch(/^#zzsunset( · \d+\+? posts?)?$/m);
  });
});
