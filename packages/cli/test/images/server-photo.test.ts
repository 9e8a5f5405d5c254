import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@aperture/sdk';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import {
  fitImage,
  ImageCache,
  pickDerivative,
  renderImage,
  renderPlaceholder,
  type TerminalImageSupport,
} from '../../src/images/index.js';

/*
 * The whole path `browse` takes for a photo, on real parts: a real server makes the derivatives,
 * ThumbHash and signed URLs; the cache fetches them over HTTP without a token; sharp decodes.
 */
let server: EphemeralServer;
let cacheDir: string;
beforeAll(async () => {
  server = await startEphemeralServer();
  cacheDir = await mkdtemp(join(tmpdir(), 'aperture-images-e2e-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(cacheDir, { recursive: true, force: true });
});

const TRUECOLOR: TerminalImageSupport = { protocol: 'blocks', color: 'truecolor' };

/** 480 × 320: the top half red, the bottom half blue, so where each lands can be checked. */
async function redOverBlue(): Promise<Buffer> {
  const blue = await sharp({ create: { width: 480, height: 160, channels: 3, background: '#0000ff' } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 480, height: 320, channels: 3, background: '#ff0000' } })
    .composite([{ input: blue, left: 0, top: 160 }])
    .jpeg()
    .toBuffer();
}

describe('a post photo from a real server', () => {
  it('is fetched by its signed URL once, drawn in the box its placeholder took, right side up', async () => {
    const client = createClient({ url: server.url });
    const username = `photog_${process.pid}`;
    await client.auth.register({
      username,
      email: `${username}@example.com`,
      password: 'correct horse battery staple',
    });
    // Followers-only, so its URLs are signed capability URLs.
    const post = await client.posts.publish([await redOverBlue()], { visibility: 'followers' });
    const media = post.media[0];
    if (!media) throw new Error('the post has no photo');

    const url = pickDerivative(media, 40, TRUECOLOR);
    expect(url).toMatch(/\/w320\.jpg\?exp=\d+&sig=/);

    let requests = 0;
    const cache = new ImageCache(cacheDir, (input, init) => {
      requests += 1;
      return fetch(input, init);
    });
    const bytes = await cache.get(url);
    expect(await cache.get(url)).toEqual(bytes);
    expect(requests).toBe(1);
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');

    // The box the placeholder reserves, from the post's dimensions, is the one the photo fills.
    const box = fitImage(media.width ?? 0, media.height ?? 0, 40, 20);
    expect(box).toEqual({ columns: 40, rows: 13 });
    const placeholder = renderPlaceholder(media.thumbhash, media.dominantColor, { ...box, support: TRUECOLOR });
    const image = await renderImage(bytes, { maxColumns: 40, maxRows: 20, support: TRUECOLOR });
    expect([image.columns, image.rows]).toEqual([box.columns, box.rows]);
    expect([placeholder.columns, placeholder.rows]).toEqual([box.columns, box.rows]);

    for (const drawn of [image, placeholder]) {
      const [topRed = 0, , topBlue = 0] = firstColour(drawn.lines[0] ?? '', 38);
      const [bottomRed = 0, , bottomBlue = 0] = firstColour(drawn.lines.at(-1) ?? '', 48);
      expect(topRed).toBeGreaterThan(topBlue + 100);
      expect(bottomBlue).toBeGreaterThan(bottomRed + 100);
    }
  });
});

/** The first truecolor foreground (38) or background (48) of a line, as [r, g, b]. */
function firstColour(line: string, layer: 38 | 48): number[] {
  const match = new RegExp(`\u001b\\[${layer};2;(\\d+);(\\d+);(\\d+)m`).exec(line);
  if (!match) throw new Error(`no ${layer} colour in ${JSON.stringify(line)}`);
  return match.slice(1).map(Number);
}
