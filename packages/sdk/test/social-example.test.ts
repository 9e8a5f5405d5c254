import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { createClient } from '../src/index.js';

const run = promisify(execFile);
const workspace = fileURLToPath(new URL('../../..', import.meta.url));
const tsc = join(workspace, 'node_modules', 'typescript', 'bin', 'tsc');
// Its own output folder, so that compiling here never races the quickstart test's compile.
const outDir = join(workspace, 'examples', 'dist', 'social-test');
const script = join(outDir, 'social.js');

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
});

/** The lines the example prints for both people, with the names taken from its first line. */
function expectStory(stdout: string): { ana: string; ben: string; postId: string } {
  const [, ana, ben] = /^(ana_\w+) and (ben_\w+) registered; \1's account is private\.$/m.exec(stdout) ?? [];
  const postId = new RegExp(`^${ana} posted (\\d+) with 2 photos: "Morning at the harbour"$`, 'm').exec(stdout)?.[1];
  expect(ana && ben && postId, stdout).toBeTruthy();
  expect(stdout).toContain(`${ben} cannot see it yet: NOT_FOUND`);
  expect(stdout).toContain(`${ben} asked to follow ${ana}: pending`);
  expect(stdout).toContain(`${ana}'s follow requests: ${ben}\n${ana} approved ${ben}.`);

  const [anaView, benView] = stdout.split(/^What \w+ sees:$/m).slice(1);
  for (const view of [anaView, benView]) {
    expect(view).toContain(`@${ana} (private): 1 post(s), 1 follower(s), 0 following`);
    expect(view).toContain(`post ${postId} by @${ana}: "Morning at the harbour", 2 photos`);
    expect(view).toMatch(/photo 1: http:\/\/\S+\/media\/\d+\/w640\.webp\?exp=\d+&sig=\S+\n {4}photo 2: /);
    expect(view).toContain(`    @${ben}: Wonderful light! (1 reply)\n      ↳ @${ana}: Thank you!`);
  }
  expect(anaView).toContain('1 like(s), 2 comment(s); you have not liked it');
  expect(benView).toContain('1 like(s), 2 comment(s); you liked it (love)');
  expect(benView).toContain('; you follow them');
  return { ana: ana!, ben: ben!, postId: postId! };
}

describe('examples/social.ts', () => {
  it('plays the story against APERTURE_SERVER, and what it prints is what the server holds', async () => {
    const env = { PATH: process.env['PATH'], APERTURE_SERVER: server.url };
    const { stdout } = await run(process.execPath, [script], { env });
    expect(stdout).toContain(`Server: ${server.url}\n`);
    const { ana, ben, postId } = expectStory(stdout);

    const benClient = createClient({ url: server.url });
    await benClient.auth.login({ username: ben, password: 'example-password-1' });
    const post = await benClient.posts.get(postId);
    expect(post).toMatchObject({ likeCount: 1, commentCount: 2, viewerReaction: 'love' });
    expect((await benClient.graph.relationship({ username: ana })).following).toBe('active');
    // A stranger still sees nothing of the private account's post.
    const stranger = createClient({ url: server.url });
    await expect(stranger.posts.get(postId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('starts a throwaway server of its own without APERTURE_SERVER', async () => {
    const { stdout } = await run(process.execPath, [script], { env: { PATH: process.env['PATH'] } });
    expect(stdout).toMatch(/^Server: http:\/\/127\.0\.0\.1:\d+ \(a throwaway one, stopped at the end\)$/m);
    expectStory(stdout);
  });
});
