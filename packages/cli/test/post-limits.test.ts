import { randomBytes } from 'node:crypto';
import { copyFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { largeNoiseMp4, removeVideoFixtures } from '../../server/test/fixtures/videos.js';
import { requireBuild } from './support/cli.js';
import { person, photo, type Person } from './support/social.js';

/**
 * `post` and `upload` check the server's own limits (from `instance.info`: here a 1 MiB upload
 * limit, set on the server) before sending a byte, and every validation error names what the user
 * typed (`--caption`, `<text>`, `<file...>`), never an API field (`caption`, `body`, `mediaIds`).
 */
let server: EphemeralServer;
let ada: Person;

beforeAll(async () => {
  requireBuild();
  server = await startEphemeralServer({ APERTURE_MAX_UPLOAD_MB: '1' });
  ada = await person(server.url, 'limits');
}, 60_000);
afterAll(async () => {
  await ada?.home.cleanup();
  await server?.stop();
  await removeVideoFixtures();
});

/** Rows that exist once anything was sent: an upload asked for, or a media item made. */
async function sent(): Promise<number> {
  const db = server.server.db.kysely;
  const uploads = await db.selectFrom('uploads').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const media = await db.selectFrom('media').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(uploads.n) + Number(media.n);
}

/** A JPEG of noise, which does not compress: over 1 MiB. */
async function largePhoto(): Promise<string> {
  const side = 900;
  const path = join(ada.home.dir, 'large.jpg');
  const bytes = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
    .jpeg({ quality: 100 })
    .toBuffer();
  expect(bytes.length).toBeGreaterThan(1024 * 1024);
  await writeFile(path, bytes);
  return path;
}

describe('aperture post and upload against the server limits', () => {
  it('refuses an 11th photo, a file too large and a caption too long before sending anything', async () => {
    const photos = await Promise.all(Array.from({ length: 11 }, (_, i) => photo(ada, `p${i}.jpg`, i + 1)));
    const large = await largePhoto();

    const eleven = await ada.run(['post', ...photos, '-c', 'All of them']);
    expect(eleven.code).toBe(1);
    expect(eleven.stderr).toContain('error: <file...>: a post has at most 10 photos and videos, and 11 were given.');
    expect(eleven.stderr).toContain('Nothing was sent.');
    expect(eleven.stderr).not.toContain('mediaIds');

    const tooLarge = await ada.run(['post', photos[0]!, large]);
    expect(tooLarge.code).toBe(1);
    expect(tooLarge.stderr).toMatch(/large\.jpg: [\d.]+ MB, more than this server takes \(1 MiB a photo\)\./);

    const longCaption = await ada.run(['post', photos[0]!, '--caption', 'x'.repeat(2_201)]);
    expect(longCaption.code).toBe(1);
    expect(longCaption.stderr).toContain('--caption: 2,201 characters, more than the 2,200 a caption may have.');

    const upload = await ada.run(['upload', large]);
    expect(upload.code).toBe(1);
    expect(upload.stderr).toContain('The file is larger than the 1 MiB limit.');
    expect(await sent()).toBe(0);

    // Within the limits, the same photos go.
    const ten = await ada.run(['post', ...photos.slice(0, 10)]);
    expect(ten.code, ten.stderr).toBe(0);
    expect(ten.stdout).toContain('10 photos');
  }, 120_000);

  it('holds a video to the video limit, not the photo one, in a post that mixes both', async () => {
    const clip = join(ada.home.dir, 'noise.mp4');
    await copyFile(await largeNoiseMp4(), clip);
    expect((await stat(clip)).size).toBeGreaterThan(1024 * 1024);
    const mixed = await ada.run(['--json', 'post', await photo(ada, 'still.jpg', 77), clip]);
    expect(mixed.code, mixed.stderr).toBe(0);
    const post = JSON.parse(mixed.stdout) as { media: { kind: string }[] };
    expect(post.media.map((m) => m.kind)).toEqual(['image', 'video']);
  }, 120_000);

  it("names the option or argument in the server's validation errors", async () => {
    const post = await ada.json<{ id: string }>(['post', await photo(ada, 'c.jpg', 42)]);
    const comment = await ada.run(['comment', post.id, 'y'.repeat(1_001)]);
    expect(comment.code).toBe(1);
    expect(comment.stderr).toBe('error: <text>: Comments are at most 1,000 characters. (VALIDATION_FAILED)\n');

    const reaction = await ada.run(['like', post.id, '--reaction', 'meh']);
    expect(reaction.code).toBe(1);
    expect(reaction.stderr).toMatch(/^error: --reaction: .+ \(VALIDATION_FAILED\)\n$/);

    const register = await ada.home.run(
      ['register', '--username', 'no spaces!', '--email', 'x@example.com', '--password-stdin'],
      { input: 'correct horse battery staple' },
    );
    expect(register.code).not.toBe(0);
    expect(register.stderr).toMatch(/^error: --username: /);
  });
});
