import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { photo, readQuadrants, UPRIGHT, type PhotoFormat } from '../../../../test/fixtures/images.js';
import { configureSharp } from './configure.js';
import { processImage, type Derivative, type ProcessedImage } from './process.js';

const pick = (image: ProcessedImage, variant: Derivative['variant'], format: Derivative['format']) =>
  image.derivatives.find((d) => d.variant === variant && d.format === format) as Derivative;

/** The sRGB colour at a point of an encoded image. */
const pixelAt = async (data: Buffer, fx: number, fy: number) => {
  const { data: raw, info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
  const offset = (Math.floor(info.height * fy) * info.width + Math.floor(info.width * fx)) * info.channels;
  return [...raw.subarray(offset, offset + info.channels)];
};

const solid = (background: string | { r: number; g: number; b: number; alpha: number }, channels: 3 | 4 = 3) =>
  sharp({ create: { width: 200, height: 100, channels, background } });

beforeAll(() => configureSharp());

describe('processImage: accepted input formats', () => {
  it.each<PhotoFormat>(['jpeg', 'png', 'webp', 'avif', 'gif'])('%s', async (format) => {
    const image = await processImage(await photo({ width: 400, height: 300, format }), { keepLocation: false });
    expect([image.format, image.width, image.height]).toEqual([format, 400, 300]);
    expect(image.derivatives).toHaveLength(8);
    for (const d of image.derivatives) expect(await readQuadrants(d.data)).toEqual(UPRIGHT);
  });

  it('honours EXIF orientation in WebP and PNG too', async () => {
    for (const format of ['webp', 'png'] as const) {
      const image = await processImage(await photo({ width: 400, height: 300, orientation: 6, format }), {
        keepLocation: false,
      });
      expect([image.width, image.height]).toEqual([400, 300]);
      expect(await readQuadrants(pick(image, 'w320', 'jpg').data)).toEqual(UPRIGHT);
    }
  });

  it('uses the first frame of an animated GIF or WebP and outputs a still image', async () => {
    const frames = await Promise.all(['#ff0000', '#0000ff', '#00ff00'].map((c) => solid(c).png().toBuffer()));
    for (const format of ['gif', 'webp'] as const) {
      const animated = await sharp(frames, { join: { animated: true } })
        .toFormat(format)
        .toBuffer();
      expect((await sharp(animated).metadata()).pages).toBe(3);
      const image = await processImage(animated, { keepLocation: false });
      expect([image.width, image.height]).toEqual([200, 100]);
      for (const d of image.derivatives) {
        expect((await sharp(d.data).metadata()).pages ?? 1, format).toBe(1);
        const [r = 0, g = 0, b = 0] = await pixelAt(d.data, 0.5, 0.5);
        expect(r, format).toBeGreaterThan(200);
        expect(g + b, format).toBeLessThan(60);
      }
    }
  });

  it('keeps transparency in WebP and puts JPEG on white', async () => {
    // Left half opaque blue, right half fully transparent red (a colour JPEG must not show).
    const rgba = Buffer.alloc(200 * 100 * 4);
    for (let pixel = 0; pixel < 200 * 100; pixel++) {
      const left = pixel % 200 < 100;
      rgba.set(left ? [0, 0, 255, 255] : [255, 0, 0, 0], pixel * 4);
    }
    const png = await sharp(rgba, { raw: { width: 200, height: 100, channels: 4 } })
      .png()
      .toBuffer();
    const image = await processImage(png, { keepLocation: false });
    const webp = pick(image, 'w320', 'webp');
    expect((await sharp(webp.data).metadata()).hasAlpha).toBe(true);
    expect((await pixelAt(webp.data, 0.75, 0.5))[3]).toBe(0);
    const jpg = pick(image, 'w320', 'jpg');
    expect((await sharp(jpg.data).metadata()).hasAlpha).toBe(false);
    const [r = 0, g = 0, b = 0] = await pixelAt(jpg.data, 0.75, 0.5);
    expect(Math.min(r, g, b)).toBeGreaterThan(240);
  });

  it('drops an alpha channel that is opaque everywhere', async () => {
    const png = await solid({ r: 10, g: 200, b: 10, alpha: 1 }, 4).png().toBuffer();
    expect((await sharp(png).metadata()).hasAlpha).toBe(true);
    const image = await processImage(png, { keepLocation: false });
    expect((await sharp(pick(image, 'w320', 'webp').data).metadata()).hasAlpha).toBe(false);
  });

  it('converts a wide-gamut (Display P3) photo to sRGB', async () => {
    const p3 = await solid('#00ff00').withIccProfile('p3').jpeg({ quality: 100 }).toBuffer();
    // Read without colour management, the stored values are P3's, far from sRGB green.
    const [storedRed = 0] = await pixelAt(await sharp(p3, { ignoreIcc: true }).png().toBuffer(), 0.5, 0.5);
    expect(storedRed).toBeGreaterThan(80);
    const image = await processImage(p3, { keepLocation: false });
    for (const d of image.derivatives) {
      const [r = 0, g = 0, b = 0] = await pixelAt(d.data, 0.5, 0.5);
      expect(r + b).toBeLessThan(40);
      expect(g).toBeGreaterThan(230);
    }
  });

  it('converts CMYK JPEG, greyscale and 16-bit PNG to 8-bit sRGB', async () => {
    const inputs = [
      await solid('#ff0000').toColourspace('cmyk').jpeg().toBuffer(),
      await solid('#808080').greyscale().jpeg().toBuffer(),
      await solid('#ff0000').toColourspace('rgb16').png().toBuffer(),
    ];
    for (const input of inputs) {
      const image = await processImage(input, { keepLocation: false });
      for (const d of image.derivatives) {
        const meta = await sharp(d.data).metadata();
        expect([meta.space, meta.depth]).toEqual(['srgb', 'uchar']);
      }
    }
  });
});
