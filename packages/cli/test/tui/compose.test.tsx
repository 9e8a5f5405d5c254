import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { splitPaths } from '../../src/tui/screens/compose.js';
import { tuiWorld } from './support.js';

const world = tuiWorld();

describe('browse: compose', () => {
  it('p composes a post from file paths, caption and visibility, with progress, then opens it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aperture-compose-'));
    try {
      const files = ['one.jpg', 'two words.jpg'].map((name) => join(dir, name));
      for (const [i, file] of files.entries()) {
        const bytes = await sharp({
          create: { width: 80, height: 60, channels: 3, background: { r: 200, g: 40 * i, b: 10 } },
        })
          .jpeg()
          .toBuffer();
        await writeFile(file, bytes);
      }
      const ada = await world.user('composer');
      const app = world.mount(ada);
      await app.until('Your feed is empty');
      await app.press('p');
      await app.until('(enter to add paths)');
      await app.press('enter');
      await app.until('Files (paths, space-separated):');
      await app.press(`${files[0]} "${files[1]}"`, 'enter');
      await app.until('two words.jpg');
      await app.press('j', 'enter');
      await app.until('Caption:');
      await app.press('Made in the terminal', 'enter');
      await app.press('j', 'enter');
      await app.until('followers only (enter: public)');
      await app.press('j', 'enter');
      // Each file's phase is shown as it uploads; at the end the new post opens.
      await app.until(/one\.jpg: (hashing|uploading|processing|done)/);
      const post = await app.until((f) => f.includes('› Post') && f.includes('Made in the terminal'), 20_000);
      expect(post).toContain('followers only');

      const { items } = await ada.client.posts.byUser({ username: ada.username });
      expect(items.map((p) => [p.caption, p.visibility, p.media.length])).toEqual([
        ['Made in the terminal', 'followers', 2],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('splits paths on spaces, keeping quoted names whole', () => {
    expect(splitPaths(`a.jpg "b c.jpg" 'd e.png'  f.webp`)).toEqual(['a.jpg', 'b c.jpg', 'd e.png', 'f.webp']);
  });
});
