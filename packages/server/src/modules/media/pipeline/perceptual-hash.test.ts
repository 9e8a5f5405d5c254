import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { copiesOf, scene } from '../../../../test/fixtures/scenes.js';
import { hammingDistance } from '../../blocklist/hashes.js';
import { DEFAULT_MEDIA_SETTINGS } from '../../../config/media-settings.js';
import { HASH_GRID, hashOfGrey } from './perceptual-hash.js';
import { perceptualHashOfImage } from './process.js';

const limits = { maxPixels: 50_000_000, maxBytes: 25 * 1024 * 1024 };

/** A grey ramp with a bright square: pure arithmetic, no decoder involved. */
function rampWithSquare(): Uint8Array {
  const grey = new Uint8Array(HASH_GRID * HASH_GRID);
  for (let y = 0; y < HASH_GRID; y++) {
    for (let x = 0; x < HASH_GRID; x++) {
      grey[y * HASH_GRID + x] = x >= 8 && x < 16 && y >= 4 && y < 12 ? 250 : x * 6 + y * 2;
    }
  }
  return grey;
}

describe('perceptual hash', () => {
  it('is the same function in every version: stored hashes stay comparable', () => {
    // Pinned on purpose: a change to the DCT, the bit order or the threshold would silently make
    // every blocklist entry stop matching the uploads it was added for.
    expect(hashOfGrey(rampWithSquare())).toBe(hashOfGrey(rampWithSquare()));
    expect(hashOfGrey(rampWithSquare())).toMatchInlineSnapshot(`"8646ce39393939c7"`);
  });

  it('sets half the bits, above and below the median', () => {
    const bits = [...hashOfGrey(rampWithSquare())!].reduce(
      (sum, digit) => sum + [...Number.parseInt(digit, 16).toString(2)].filter((b) => b === '1').length,
      0,
    );
    expect(bits).toBe(32);
  });

  it('gives no hash to a picture too plain to tell from other plain pictures', async () => {
    expect(hashOfGrey(new Uint8Array(HASH_GRID * HASH_GRID).fill(117))).toBeNull();
    for (const colour of ['#ff0000', '#203040', '#ffffff']) {
      const flat = await sharp({ create: { width: 64, height: 48, channels: 3, background: colour } })
        .jpeg()
        .toBuffer();
      expect(await perceptualHashOfImage(flat, limits), colour).toBeNull();
    }
    // A photo at a twentieth of its contrast still has a picture to recognise.
    const faint = await sharp(await scene(1))
      .linear(0.05, 120)
      .jpeg()
      .toBuffer();
    expect(await perceptualHashOfImage(faint, limits)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('hashes the same file the same way every time', async () => {
    const image = await scene(1);
    const first = await perceptualHashOfImage(image, limits);
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(await perceptualHashOfImage(image, limits)).toBe(first);
  });

  it('keeps altered copies within the default distance and other pictures far from it', async () => {
    const distance = DEFAULT_MEDIA_SETTINGS.blocklistDistance;
    const originals = await Promise.all([1, 2, 3, 4].map((seed) => scene(seed)));
    const hashes = await Promise.all(originals.map(async (image) => (await perceptualHashOfImage(image, limits))!));
    const measured: Record<string, number> = {};
    for (const [index, original] of originals.entries()) {
      for (const copy of await copiesOf(original)) {
        const d = hammingDistance(hashes[index]!, (await perceptualHashOfImage(copy.data, limits))!);
        measured[copy.name] = Math.max(measured[copy.name] ?? 0, d);
      }
    }
    for (const [name, d] of Object.entries(measured)) expect(d, name).toBeLessThanOrEqual(distance);
    for (let a = 0; a < hashes.length; a++) {
      for (let b = a + 1; b < hashes.length; b++) {
        expect(hammingDistance(hashes[a]!, hashes[b]!)).toBeGreaterThan(2 * distance);
      }
    }
  });
});
