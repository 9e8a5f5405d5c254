import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { PhotoSet } from './options.js';

/**
 * Photos like phones make: smooth gradients with sensor-like noise, so that JPEG sizes and the
 * server's decode/resize work are realistic (a flat colour would compress to a few KB and cost
 * nothing to process). Made once per run, before the clock starts.
 */
async function makePhoto(width: number, height: number, seed: number, quality: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let state = (seed * 2654435761) >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // xorshift: cheap noise, reproducible from the seed.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const noise = ((state >>> 0) % 48) - 24;
      const i = (y * width + x) * 3;
      pixels[i] = clamp((x * 255) / width + noise + seed * 40);
      pixels[i + 1] = clamp((y * 255) / height + noise);
      pixels[i + 2] = clamp(128 + 100 * Math.sin((x + y + seed * 97) / 90) + noise);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

const clamp = (value: number) => Math.max(0, Math.min(255, Math.round(value)));

/** About what the generated sources weigh: a 1080 px photo and a 12 MP one (see generatePhotos). */
export const SMALL_PHOTO_KB = 200;
export const LARGE_PHOTO_KB = 3_000;
/** The mix when nothing says otherwise: one upload in ten from a 12 MP camera. */
export const DEFAULT_LARGE_SHARE = 0.1;

/**
 * The share of uploads to make from 12 MP sources so that the average upload weighs what a
 * scenario's note says a photo does (`photoKB`): none for 200 KB photos, all of them for the notes'
 * 5 MB ones (the largest source is ~3 MB, so those are sent lighter than the note's, and the check
 * says so). A scenario without a photo size gets the default mix.
 */
export function largeShareFor(photoKB: number | undefined): number {
  if (photoKB === undefined) return DEFAULT_LARGE_SHARE;
  const share = (photoKB - SMALL_PHOTO_KB) / (LARGE_PHOTO_KB - SMALL_PHOTO_KB);
  return Math.round(Math.min(1, Math.max(0, share)) * 1_000) / 1_000;
}

export interface PhotoOptions {
  /** Share of uploads from 12 MP sources (0–1); none are made when 0. */
  largeShare: number;
  /** Distinct sources of each kind (each upload still gets unique bytes, see uniqueJpeg). */
  variants?: number;
}

/** Writes the run's source photos into `dir` and says where they are. */
export async function generatePhotos(dir: string, options: PhotoOptions): Promise<PhotoSet> {
  await mkdir(dir, { recursive: true });
  const variants = options.variants ?? 2;
  const small: string[] = [];
  const large: string[] = [];
  for (let v = 0; v < variants; v++) {
    const path = join(dir, `small-${v}.jpg`);
    // 1080 × 1080 at quality 66 with this noise lands near 200 KB (a 12 MP one near 3 MB).
    await writeFile(path, await makePhoto(1080, 1080, v + 1, 66));
    small.push(path);
    if (options.largeShare > 0) {
      const bigPath = join(dir, `large-${v}.jpg`);
      await writeFile(bigPath, await makePhoto(4000, 3000, v + 11, 85));
      large.push(bigPath);
    }
  }
  return { small, large, largeShare: options.largeShare };
}

/**
 * The same photo with a unique JPEG comment after the SOI marker: a valid JPEG whose SHA-256 is
 * new, because the server recognises bytes it already holds and would skip the work we measure.
 */
export function uniqueJpeg(source: Uint8Array, tag: string): Buffer {
  const text = Buffer.from(tag, 'utf8');
  const segment = Buffer.alloc(4 + text.length);
  segment[0] = 0xff;
  segment[1] = 0xfe; // COM
  segment.writeUInt16BE(text.length + 2, 2);
  text.copy(segment, 4);
  return Buffer.concat([source.subarray(0, 2), segment, source.subarray(2)]);
}
