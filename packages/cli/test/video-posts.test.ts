import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PostView } from '@aperture/sdk';
import { h264Mp4, removeVideoFixtures } from '../../server/test/fixtures/videos.js';
import { runOnTerminal } from './support/cli.js';
import { photo, socialWorld, type Person } from './support/social.js';

const world = socialWorld();
afterAll(async () => {
  await removeVideoFixtures();
});

async function clip(who: Person, name: string): Promise<string> {
  const path = join(who.home.dir, name);
  await copyFile(await h264Mp4(), path);
  return path;
}

describe('aperture post and the post tables, with videos', () => {
  it('counts photos and videos apart, and lists each video with its length', async () => {
    const ada = await world.someone('filmmaker');
    const posted = await ada.run(['post', await photo(ada, 'still.jpg', 71), await clip(ada, 'clip.mp4'), '-c', 'Mix']);
    expect(posted.code, posted.stderr).toBe(0);
    const id = /^Posted (\d+) \(1 photo and 1 video, public\)\.$/m.exec(posted.stdout)?.[1];
    expect(id, posted.stdout).toBeDefined();

    const post = await ada.json<PostView>(['post', await clip(ada, 'again.mp4')]);
    expect(post.media.map((m) => m.kind)).toEqual(['video']);

    // Piped: id, ISO date, media, video lengths, likes, comments, audience, caption.
    const grid = await ada.run(['user', ada.username]);
    expect(grid.stdout).toMatch(new RegExp(`^${id}\\t\\S+\\t2\\t0:01\\t0\\t0\\teveryone\\tMix$`, 'm'));
    const feed = await ada.run(['feed']);
    expect(feed.stdout).toMatch(new RegExp(`^${post.id}\\t@${ada.username}\\t\\S+\\t1\\t0:01\\t`, 'm'));
    const screen = await runOnTerminal(['user', ada.username], ada.home.env);
    expect(screen).toMatch(/POST {2,}DATE {2,}MEDIA {2}VIDEO {2}LIKES/);
  });

  it("shows how far the server is with the post's video on the progress line", async () => {
    const ada = await world.someone('progress');
    const screen = await runOnTerminal(
      ['post', await clip(ada, 'first.mp4'), await photo(ada, 'p.jpg', 72)],
      ada.home.env,
    );
    expect(screen).toMatch(/Posted \d+ \(1 photo and 1 video, public\)\./);
    // Both files sent, and the server's own percentage while it transcodes the clip.
    expect(screen).toMatch(/2 files {2}█{10} {2}100% {2}[\d.]+\/[\d.]+ kB {2}processing… \d+%/);
  });
});
