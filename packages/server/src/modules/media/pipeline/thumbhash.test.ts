import sharp from 'sharp';
import { thumbHashToApproximateAspectRatio, thumbHashToRGBA } from 'thumbhash';
import { beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../../../../test/fixtures/images.js';
import { configureSharp } from './configure.js';
import { processImage } from './process.js';

const hex = (value: string) => [1, 3, 5].map((index) => parseInt(value.slice(index, index + 2), 16));

beforeAll(() => configureSharp());

describe('processImage: placeholder', () => {
  it('gives a ThumbHash that decodes to the picture, red top-left', async () => {
    const image = await processImage(await photo({ width: 600, height: 400 }), { keepLocation: false });
    const hash = Buffer.from(image.thumbhash, 'base64');
    expect(hash.length).toBeGreaterThan(5);
    expect(hash.length).toBeLessThanOrEqual(25);
    // ThumbHash stores the aspect ratio coarsely.
    expect(Math.abs(thumbHashToApproximateAspectRatio(hash) - 1.5)).toBeLessThan(0.2);
    const { w, h, rgba } = thumbHashToRGBA(hash);
    expect(w).toBeGreaterThan(h);
    const at = (fx: number, fy: number) => {
      const offset = (Math.floor(h * fy) * w + Math.floor(w * fx)) * 4;
      return [rgba[offset] ?? 0, rgba[offset + 1] ?? 0, rgba[offset + 2] ?? 0];
    };
    const [r = 0, g = 0, b = 0] = at(0.15, 0.15);
    expect(r).toBeGreaterThan(g + 60);
    expect(r).toBeGreaterThan(b + 60);
    const [, , blue = 0] = at(0.15, 0.85);
    expect(blue).toBeGreaterThan(at(0.15, 0.15)[2] ?? 0);
  });

  it.each(['#3366cc', '#e0a030', '#101010'])('dominant colour of a %s image is that colour', async (colour) => {
    const input = await sharp({ create: { width: 300, height: 200, channels: 3, background: colour } })
      .png()
      .toBuffer();
    const image = await processImage(input, { keepLocation: false });
    expect(image.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    const got = hex(image.dominantColor);
    hex(colour).forEach((channel, index) => expect(Math.abs((got[index] ?? 0) - channel)).toBeLessThanOrEqual(2));
  });

  it('weights the dominant colour by opacity', async () => {
    const input = await sharp({ create: { width: 200, height: 100, channels: 4, background: '#ff000000' } })
      .composite([
        { input: { create: { width: 50, height: 100, channels: 4, background: '#00ff00ff' } }, left: 0, top: 0 },
      ])
      .png()
      .toBuffer();
    const [r = 0, g = 0] = hex((await processImage(input, { keepLocation: false })).dominantColor);
    expect(g).toBeGreaterThan(240);
    expect(r).toBeLessThan(15);
  });
});
