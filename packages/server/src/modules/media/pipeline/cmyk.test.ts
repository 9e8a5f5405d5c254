import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cmykJpeg } from '../../../../test/fixtures/cmyk-jpeg.js';
import { configureSharp } from './configure.js';
import { processImage } from './process.js';
import { renderVariantWidth } from './render.js';

beforeAll(() => configureSharp());

type Ink = readonly [number, number, number, number];
const percent = (c: number, m: number, y: number, k: number): Ink =>
  [c, m, y, k].map((value) => Math.round((value * 255) / 100)) as unknown as Ink;

/** The first pixel's colour in every derivative and in a `?w=` render of `jpeg`. */
async function servedColours(jpeg: Buffer): Promise<number[][]> {
  const processed = await processImage(jpeg, { keepLocation: false });
  const files = [...processed.derivatives.map((d) => d.data), (await renderVariantWidth(jpeg, 64, 'jpg')).data];
  return Promise.all(files.map(async (file) => [...(await sharp(file).removeAlpha().raw().toBuffer()).subarray(0, 3)]));
}

const distance = (a: readonly number[], b: readonly number[]) => Math.hypot(...a.map((v, i) => v - (b[i] ?? 0)));

describe('CMYK JPEG without an embedded profile', () => {
  it('is shown as browsers show it: each colour is what its ink and the black leave of the paper', async () => {
    // R = 255·(1 − C)(1 − K), G from M, B from Y. Through a press profile (what libvips does for
    // every CMYK input) the sky blue comes out (119,156,206) and the grey (134,133,132): dull next
    // to what the uploader's browser shows.
    const patches: { ink: Ink; browser: [number, number, number] }[] = [
      { ink: percent(0, 0, 0, 0), browser: [255, 255, 255] },
      { ink: percent(0, 100, 100, 0), browser: [255, 0, 0] },
      { ink: percent(50, 25, 0, 0), browser: [127, 191, 255] },
      { ink: percent(0, 0, 100, 0), browser: [255, 255, 0] },
      { ink: percent(0, 0, 0, 50), browser: [127, 127, 127] },
      { ink: percent(20, 0, 60, 30), browser: [142, 178, 71] },
      { ink: percent(100, 100, 100, 100), browser: [0, 0, 0] },
    ];
    for (const { ink, browser } of patches) {
      // Photoshop writes the Adobe APP14 segment; other tools write none. Both read the same.
      for (const adobe of [true, false]) {
        for (const colour of await servedColours(cmykJpeg({ ink, adobe, size: 64 }))) {
          // WebP and JPEG encodes of a flat colour land within a few levels of it.
          expect(distance(colour, browser), `${ink.join('/')} → ${colour.join(',')}`).toBeLessThanOrEqual(6);
        }
      }
    }
  });

  it('keeps its colour and size when decoded at a fraction of its size', async () => {
    const processed = await processImage(cmykJpeg({ ink: percent(50, 25, 0, 0), size: 2048 }), { keepLocation: false });
    expect(processed).toMatchObject({ width: 2048, height: 2048 });
    const w640 = processed.derivatives.find((d) => d.variant === 'w640' && d.format === 'jpg')!;
    expect(w640).toMatchObject({ width: 640, height: 640 });
    const pixel = [...(await sharp(w640.data).raw().toBuffer()).subarray(0, 3)];
    expect(distance(pixel, [127, 191, 255])).toBeLessThanOrEqual(6);
  });
});

describe('CMYK JPEG with an embedded profile', () => {
  it('goes through its profile, not the browser formula', async () => {
    // A profile says exactly which colours the inks mean, so it wins over any guess.
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 60, g: 140, b: 200 } } })
      .toColourspace('cmyk')
      .withIccProfile('cmyk')
      .jpeg({ quality: 100 })
      .toBuffer();
    expect(await sharp(jpeg).metadata()).toMatchObject({ space: 'cmyk', hasProfile: true });
    const first = async (image: Sharp, channels: number) => [...(await image.raw().toBuffer()).subarray(0, channels)];
    const throughProfile = await first(sharp(jpeg).toColourspace('srgb'), 3);
    const [c = 0, m = 0, y = 0, k = 0] = await first(sharp(jpeg).pipelineColourspace('cmyk').toColourspace('cmyk'), 4);
    const formula = [c, m, y].map((v) => Math.round(((255 - v) * (255 - k)) / 255));
    // Far enough apart that the check below tells which way the file went.
    expect(distance(throughProfile, formula)).toBeGreaterThan(20);
    for (const colour of await servedColours(jpeg)) {
      expect(distance(colour, throughProfile), colour.join(',')).toBeLessThanOrEqual(6);
    }
  });
});
