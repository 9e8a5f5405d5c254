import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { h264Mp4, removeVideoFixtures } from '../../server/test/fixtures/videos.js';
import { createClient } from '../src/index.js';

const run = promisify(execFile);
const workspace = fileURLToPath(new URL('../../..', import.meta.url));
const tsc = join(workspace, 'node_modules', 'typescript', 'bin', 'tsc');
// Its own output folder, so that compiling here never races the other example tests' compiles.
const outDir = join(workspace, 'examples', 'dist', 'video-post-test');
const script = join(outDir, 'video-post.js');

let server: EphemeralServer;
beforeAll(async () => {
  for (const pkg of ['sdk', 'server']) {
    if (!existsSync(join(workspace, 'packages', pkg, 'dist', 'index.js'))) {
      throw new Error(`packages/${pkg}/dist is missing: run npm run build first`);
    }
  }
  server = await startEphemeralServer();
  await run(process.execPath, [tsc, '-p', join(workspace, 'examples', 'tsconfig.json'), '--outDir', outDir], {
    cwd: workspace,
  });
});
afterAll(async () => {
  await server?.stop();
  await removeVideoFixtures();
});

describe('examples/video-post.ts', () => {
  it('uploads its clip through transcoding and posts it after a photo, printing the renditions', async () => {
    const env = { PATH: process.env['PATH'], APERTURE_SERVER: server.url };
    const { stdout } = await run(process.execPath, [script], { env, timeout: 120_000 });

    const username = /^Registered (vid_\w+)\.$/m.exec(stdout)?.[1];
    expect(username, stdout).toBeDefined();
    // Progress through transcoding: the server's percentage, up to 100, before the clip is done.
    const percents = [...stdout.matchAll(/^clip: processing (\d+)%$/gm)].map((m) => Number(m[1]));
    expect(percents.at(-1)).toBe(100);
    expect(stdout.indexOf('clip: processing 100%')).toBeLessThan(stdout.indexOf('clip: done'));
    expect(stdout).toMatch(/^Video \d+: 3\.0 s, 640×360, ready\.$/m);

    const postId = /^Posted (\d+) with 2 items:$/m.exec(stdout)?.[1];
    expect(postId).toBeDefined();
    expect(stdout).toMatch(/^ {2}1\. photo 640×480: http:\/\/\S+\/w640\.webp$/m);
    expect(stdout).toMatch(/^ {2}2\. video, 3\.0 s, poster http:\/\/\S+\/w640\.jpg$/m);

    // What it printed is what the server holds, and the rendition URLs serve MP4s.
    const post = await createClient({ url: server.url }).posts.get(postId!);
    expect(post.author.username).toBe(username);
    expect(post.media.map((m) => m.kind)).toEqual(['image', 'video']);
    const video = post.media[1];
    if (video?.kind !== 'video') throw new Error('the second item is the video');
    for (const quality of ['720p', '360p'] as const) {
      const url = video.renditions[quality];
      expect(stdout).toContain(`     ${quality}: ${url}\n`);
      const response = await fetch(url!);
      expect(response.headers.get('content-type')).toBe('video/mp4');
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  it('posts the clip named on its command line instead', async () => {
    const env = { PATH: process.env['PATH'], APERTURE_SERVER: server.url };
    const { stdout } = await run(process.execPath, [script, await h264Mp4()], { env, timeout: 120_000 });
    expect(stdout).toMatch(/^Video \d+: 1\.0 s, 64×48, ready\.$/m);
    expect(stdout).toMatch(/^ {5}720p: http:\/\/\S+\/720\.mp4$/m);
  });
});
