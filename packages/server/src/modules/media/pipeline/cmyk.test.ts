import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cmykJpeg } from '../../../../test/fixtures/cmyk-jpeg.js';
import { configureSharp } from './configure.js';
import { processImage } from './process.js';
import { renderVariantWidth } from './render.js';

beforeAll(() => configureSharp());

type Ink = readonly [number, number, number, number];
const percent = (c: number, m: number, y: number, k: number): Ink =>
  [c, m, y, k].map((value) => Math.round((value * 255) / 100)) as unknown as Ink;

/** The colour of every derivative and of a `?w=` render of a flat CMYK JPEG without a profile. */
async function servedColours(ink: Ink, adobe: boolean): Promise<number[][]> {
  const jpeg = cmykJpeg({ ink, adobe, size: 64 });
  expect((await sharp(jpeg).metadata()).space).toBe('cmyk');
  const processed = await processImage(jpeg, { keepLocation: false });
  const files = [...processed.derivatives.map((d) => d.data), (await renderVariantWidth(jpeg, 64, 'jpg')).data];
  return Promise.all(files.map(async (file) => [...(await sharp(file).removeAlpha().raw().toBuffer()).subarray(0, 3)]));
}

const distance = (a: readonly number[], b: readonly number[]) => Math.hypot(...a.map((v, i) => v - (b[i] ?? 0)));

describe('CMYK JPEG without an embedded profile', () => {
  it('is converted through a press CMYK profile, read as Adobe-inverted ink, with or without the APP14 segment', async () => {
    // What a colour-managed viewer shows for these inks (Photoshop with U.S. Web Coated SWOP shows
    // 0/100/100/0 as about 237,28,36; libvips' built-in profile is a similar press condition). A
    // file read without inverting, with its black dropped, or with no conversion at all is far off.
    const patches: { ink: Ink; viewer: [number, number, number]; tolerance: number }[] = [
      { ink: percent(0, 0, 0, 0), viewer: [255, 255, 255], tolerance: 4 },
      { ink: percent(0, 100, 100, 0), viewer: [237, 28, 36], tolerance: 50 },
      { ink: percent(0, 0, 100, 0), viewer: [255, 242, 0], tolerance: 20 },
      { ink: percent(0, 0, 0, 50), viewer: [147, 149, 152], tolerance: 30 },
      { ink: percent(100, 100, 100, 100), viewer: [0, 0, 0], tolerance: 30 },
    ];
    for (const { ink, viewer, tolerance } of patches) {
      const [adobe, bare] = [await servedColours(ink, true), await servedColours(ink, false)];
      for (const colour of [...adobe, ...bare]) {
        expect(distance(colour, viewer), `${ink.join('/')} → ${colour.join(',')}`).toBeLessThanOrEqual(tolerance);
      }
      expect(distance(adobe[0]!, bare[0]!)).toBeLessThanOrEqual(2);
    }
  });

  it('keeps a black-only tint neutral and ordered, not washed out', async () => {
    const greys = await Promise.all(
      [25, 50, 75].map(async (k) => (await servedColours(percent(0, 0, 0, k), true))[0]!),
    );
    for (const grey of greys) expect(Math.max(...grey) - Math.min(...grey)).toBeLessThanOrEqual(8);
    const lightness = greys.map((grey) => grey[1]!);
    expect(lightness[0]!).toBeGreaterThan(lightness[1]! + 30);
    expect(lightness[1]!).toBeGreaterThan(lightness[2]! + 30);
  });
});
