import { thumbHashToRGBA } from 'thumbhash';
import type { TerminalImageSupport } from './detect.js';
import { parseHexColor, renderHalfBlocks, type RgbPixels } from './halfblocks.js';
import { textBox, type RenderedImage } from './render.js';

export interface PlaceholderOptions {
  columns: number;
  rows: number;
  support: TerminalImageSupport;
  /**
   * Blur it beyond recognition: a sensitive post is covered by its placeholder, which must hint at
   * its colours but show nothing of what it is. The ThumbHash is decoded to a few pixels only.
   */
  blur?: boolean;
}

/** The pixels a blurred placeholder is made of, across and down: four colours blended, no shapes. */
const BLURRED = { width: 2, height: 2 };

/** Shown when a photo has neither a ThumbHash nor a dominant colour. */
const NEUTRAL_GREY: [number, number, number] = [128, 128, 128];

/**
 * What stands in for a photo while it loads: its ThumbHash blurred up to `columns × rows` cells,
 * else a flat block of its dominant colour (`#rrggbb`), else grey. Synchronous and cheap (a
 * ThumbHash decodes to at most 32 × 32 pixels), so it can be drawn on the first frame. Pass the
 * box the real image will take (see `fitImage`) so nothing moves when it arrives.
 */
export function renderPlaceholder(
  thumbhash: string | null,
  dominant: string | null,
  options: PlaceholderOptions,
): RenderedImage {
  const columns = Math.max(0, Math.floor(options.columns));
  const rows = Math.max(0, Math.floor(options.rows));
  if (options.support.protocol === 'none') return textBox('[photo]', columns);
  if (columns === 0 || rows === 0) return { lines: [], columns: 0, rows: 0 };
  const fallback = () => flatPixels(parseHexColor(dominant) ?? NEUTRAL_GREY, columns, rows * 2);
  if (options.blur) {
    const few = decodeThumbHash(thumbhash, BLURRED.width, BLURRED.height);
    const pixels = few ? resizeBilinear(opaque(few), columns, rows * 2) : fallback();
    return { lines: renderHalfBlocks(pixels, options.support.color), columns, rows };
  }
  const pixels = decodeThumbHash(thumbhash, columns, rows * 2) ?? fallback();
  return { lines: renderHalfBlocks(pixels, options.support.color), columns, rows };
}

/** The ThumbHash scaled to `width × height` pixels, or null when it is missing or corrupt. */
function decodeThumbHash(thumbhash: string | null, width: number, height: number): RgbPixels | null {
  if (!thumbhash) return null;
  let decoded: { w: number; h: number; rgba: Uint8Array };
  try {
    decoded = thumbHashToRGBA(Buffer.from(thumbhash, 'base64'));
  } catch {
    return null; // A truncated hash throws (or reads past its end); a flat colour is better than an error.
  }
  if (decoded.w < 1 || decoded.h < 1 || decoded.rgba.length < decoded.w * decoded.h * 4) return null;
  return resizeBilinear(decoded, width, height);
}

/** Bilinear scaling in plain code: sharp is asynchronous, and this runs in a render. */
function resizeBilinear(source: { w: number; h: number; rgba: Uint8Array }, width: number, height: number): RgbPixels {
  const data = new Uint8Array(width * height * 3);
  const sample = (x: number, y: number, channel: number): number => {
    const offset = (y * source.w + x) * 4;
    // ThumbHash carries alpha; lay it on black like the real image is.
    return ((source.rgba[offset + channel] ?? 0) * (source.rgba[offset + 3] ?? 255)) / 255;
  };
  for (let y = 0; y < height; y += 1) {
    // Centre of the target pixel, in source pixel coordinates.
    const sy = Math.min(source.h - 1, Math.max(0, ((y + 0.5) * source.h) / height - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(source.h - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x += 1) {
      const sx = Math.min(source.w - 1, Math.max(0, ((x + 0.5) * source.w) / width - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(source.w - 1, x0 + 1);
      const fx = sx - x0;
      for (let channel = 0; channel < 3; channel += 1) {
        const top = sample(x0, y0, channel) * (1 - fx) + sample(x1, y0, channel) * fx;
        const bottom = sample(x0, y1, channel) * (1 - fx) + sample(x1, y1, channel) * fx;
        data[(y * width + x) * 3 + channel] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { data, width, height };
}

/** RGB pixels as the RGBA `resizeBilinear` scales (opaque). */
function opaque(pixels: RgbPixels): { w: number; h: number; rgba: Uint8Array } {
  const rgba = new Uint8Array(pixels.width * pixels.height * 4);
  for (let index = 0; index < pixels.width * pixels.height; index += 1) {
    rgba.set(pixels.data.subarray(index * 3, index * 3 + 3), index * 4);
    rgba[index * 4 + 3] = 255;
  }
  return { w: pixels.width, h: pixels.height, rgba };
}

function flatPixels(rgb: [number, number, number], width: number, height: number): RgbPixels {
  const data = new Uint8Array(width * height * 3);
  for (let index = 0; index < width * height; index += 1) data.set(rgb, index * 3);
  return { data, width, height };
}
