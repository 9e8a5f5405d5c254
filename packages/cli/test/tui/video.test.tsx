import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '@aperture/sdk';
import { h264Mp4, removeVideoFixtures } from '../../../server/test/fixtures/videos.js';
import type { UrlOpener } from '../../src/open-url.js';
import { tuiWorld, type TestUser } from './support.js';

const world = tuiWorld();
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aperture-tui-video-'));
});
afterAll(async () => {
  await removeVideoFixtures();
  await rm(dir, { recursive: true, force: true });
});

/** A post of a real 1 s clip (transcoded by the server) then a photo, as a carousel. */
async function videoPost(who: TestUser, caption: string): Promise<PostView> {
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 200, b: 90 } } })
    .jpeg()
    .toBuffer();
  return who.client.posts.publish([await h264Mp4(), photo], { caption });
}

/** A real program for `o` to run: it writes the arguments it was given, one a line, to `argv.txt`. */
async function recordingOpener(name: string, exitCode = 0): Promise<{ opener: UrlOpener; argv: string }> {
  const script = join(dir, `${name}.sh`);
  const argv = join(dir, `${name}.argv.txt`);
  await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argv}'\nexit ${exitCode}\n`);
  await chmod(script, 0o755);
  return { opener: { command: script, args: ['--from-aperture'] }, argv };
}

/** The frame's text with its line breaks taken out, so a URL wrapped over rows reads whole. */
const joined = (frame: string) => frame.replace(/\s*\n\s*/g, '');

describe('browse: videos', () => {
  it('shows a video as its poster with a ▶ badge and its length, and a photo without', async () => {
    const ada = await world.user('watcher');
    const bob = await world.user('filmer');
    await ada.client.graph.follow({ username: bob.username });
    await videoPost(bob, 'Waves rolling in');

    const app = world.mount(ada);
    const frame = await app.until('Waves rolling in');
    expect(frame).toContain('▶ 0:01');
    expect(frame).toContain('video · o plays it');
    expect(frame).toContain(`@${bob.username} ♡0 c0 ▶`);
    expect(frame).toContain('1/2 ←/→');
    // The poster is a photo like any other: drawn with half blocks once its bytes arrive.
    await app.until((f) => f.includes('▀') || f.includes('▄'));
    await app.press('right');
    await app.until((f) => f.includes('2/2 ←/→') && !f.includes('▶ 0:01'));
    // Without pictures, the box says what it stands for.
    const plain = world.mount(ada, { support: { protocol: 'none', color: '256' } });
    await plain.until('[video 64×48]');
  });

  it('o opens the 720p rendition with the opener program, the URL as its last argument', async () => {
    const ada = await world.user('player');
    const post = await videoPost(ada, 'Play me');
    const video = post.media[0];
    if (video?.kind !== 'video') throw new Error('the first item is the video');
    const { opener, argv } = await recordingOpener('opens');

    const app = world.mount(ada, { opener });
    await app.until('Play me');
    await app.press('o');
    await app.until('Opened the video in your player.');
    expect((await readFile(argv, 'utf8')).split('\n')).toEqual(['--from-aperture', video.renditions['720p'], '']);
    expect(video.renditions['720p']).toMatch(new RegExp(`/media/${video.id}/720\\.mp4`));

    // On the post screen too.
    await app.press('enter');
    await app.until((f) => f.includes('Post') && f.includes('Comments'));
    await rm(argv);
    await app.press('o');
    await app.until('Opened the video in your player.');
    expect(await readFile(argv, 'utf8')).toContain(video.renditions['720p']);
  });

  it('shows the URL instead when there is no player, or the opener fails', async () => {
    const ada = await world.user('noplayer');
    const post = await videoPost(ada, 'Nowhere to play');
    const url = post.media[0]?.kind === 'video' ? post.media[0].renditions['720p'] : undefined;
    expect(url).toBeDefined();

    const none = world.mount(ada, { opener: null });
    await none.until('Nowhere to play');
    await none.press('o');
    const shown = await none.until('Could not open a player (no program to open it here):');
    expect(joined(shown)).toContain(url);

    const { opener, argv } = await recordingOpener('fails', 3);
    const failing = world.mount(ada, { opener });
    await failing.until('Nowhere to play');
    await failing.press('o');
    const failed = await failing.until('exited with 3');
    expect(joined(failed)).toContain(url);
    expect(await readFile(argv, 'utf8')).toContain(url);

    const missing = world.mount(ada, { opener: { command: join(dir, 'no-such-player'), args: [] } });
    await missing.until('Nowhere to play');
    await missing.press('o');
    await missing.until('no-such-player is not installed');
  });

  it('o on a photo says it opens videos', async () => {
    const ada = await world.user('photoonly');
    await world.post(ada, 'Just a photo', 5);
    const { opener, argv } = await recordingOpener('photo');
    const app = world.mount(ada, { opener });
    await app.until('Just a photo');
    await app.press('o');
    await app.until('This is a photo: o opens videos');
    await expect(readFile(argv, 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
