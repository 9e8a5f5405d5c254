import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { jpegThenHtml, photo, readQuadrants, UPRIGHT } from '../../../../test/fixtures/images.js';
import { configureSharp } from './configure.js';
import { ImageRejectedError } from './errors.js';
import { processImage } from './process.js';
import { renderFromDerivative, renderVariantWidth, widthTarget } from './render.js';
import { sniffImageFormat } from './sniff.js';

beforeAll(() => configureSharp());

describe('renderVariantWidth', () => {
  it('renders an upright width in each format, with no metadata', async () => {
    const original = await photo({
      width: 800,
      height: 600,
      orientation: 8,
      exif: { make: 'ApertureTestCam' },
      gps: { lat: 10, lng: 20 },
    });
    for (const format of ['webp', 'jpg'] as const) {
      const rendered = await renderVariantWidth(original, 256, format);
      expect([rendered.width, rendered.height]).toEqual([256, 192]);
      expect(rendered.contentType).toBe(format === 'webp' ? 'image/webp' : 'image/jpeg');
      expect(sniffImageFormat(rendered.data)).toBe(format === 'webp' ? 'webp' : 'jpeg');
      const meta = await sharp(rendered.data).metadata();
      expect([meta.width, meta.height, meta.exif, meta.xmp, meta.icc]).toEqual([
        256,
        192,
        undefined,
        undefined,
        undefined,
      ]);
      expect(rendered.data.includes('ApertureTestCam')).toBe(false);
      expect(await readQuadrants(rendered.data)).toEqual(UPRIGHT);
    }
  });

  it('never renders wider than the original', async () => {
    const rendered = await renderVariantWidth(await photo({ width: 300, height: 200 }), 1024, 'webp');
    expect([rendered.width, rendered.height]).toEqual([300, 200]);
  });

  it('applies the same checks as processing', async () => {
    await expect(renderVariantWidth(await jpegThenHtml(), 256, 'jpg')).rejects.toBeInstanceOf(ImageRejectedError);
    await expect(
      renderVariantWidth(await photo({ width: 480, height: 320 }), 256, 'jpg', { maxPixels: 1000 }),
    ).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });

  it('refuses a width that is not a positive integer', async () => {
    const original = await photo();
    for (const width of [0, -64, 100.5, Number.NaN]) {
      await expect(renderVariantWidth(original, width, 'webp')).rejects.toBeInstanceOf(RangeError);
    }
  });

  it('gives exactly the size a render from the original gives, whatever the aspect ratio', async () => {
    for (const [width, height] of [
      [1999, 1333],
      [1401, 997],
      [1203, 3001],
      [4000, 37],
    ] as const) {
      const original = await photo({ width, height, format: 'png' });
      const { derivatives } = await processImage(original, { keepLocation: false });
      const w1080 = derivatives.find((d) => d.variant === 'w1080' && d.format === 'webp')!;
      for (const asked of [64, 576, 1024]) {
        const direct = await renderVariantWidth(original, asked, 'webp');
        const scaled = await renderFromDerivative(w1080.data, widthTarget({ width, height }, asked), 'webp');
        expect([scaled.width, scaled.height], `${width}×${height} at ${asked}`).toEqual([direct.width, direct.height]);
        // A sliver a few pixels high has no quadrant centres to read.
        if (scaled.height >= 16) expect(await readQuadrants(scaled.data)).toEqual(UPRIGHT);
      }
    }
  });

  it('keeps transparency when scaling a WebP derivative, and puts a JPEG on white', async () => {
    const halfClear = await sharp({ create: { width: 400, height: 200, channels: 4, background: '#0000ffff' } })
      .composite([
        {
          input: { create: { width: 200, height: 200, channels: 4, background: '#ff000000' } },
          left: 200,
          top: 0,
          blend: 'source',
        },
      ])
      .webp({ lossless: true })
      .toBuffer();
    const webp = await renderFromDerivative(halfClear, { width: 100, height: 50 }, 'webp');
    const webpPixels = await sharp(webp.data).ensureAlpha().raw().toBuffer();
    expect(webpPixels[(25 * 100 + 90) * 4 + 3]).toBeLessThan(10);
    const jpg = await renderFromDerivative(halfClear, { width: 100, height: 50 }, 'jpg');
    const jpgPixels = await sharp(jpg.data).raw().toBuffer();
    expect([...jpgPixels.subarray((25 * 100 + 90) * 3, (25 * 100 + 90) * 3 + 3)].every((v) => v > 240)).toBe(true);
  });

  it('refuses a derivative over the pixel limit', async () => {
    const derivative = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#888' } })
      .webp()
      .toBuffer();
    await expect(
      renderFromDerivative(derivative, { width: 64, height: 32 }, 'webp', { maxPixels: 10_000 }),
    ).rejects.toThrow(/pixel limit/);
  });
});
