import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { jpegThenHtml, photo, readQuadrants, UPRIGHT } from '../../../../test/fixtures/images.js';
import { configureSharp } from './configure.js';
import { ImageRejectedError } from './errors.js';
import { renderVariantWidth } from './render.js';
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
});
