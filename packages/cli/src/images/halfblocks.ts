import type { ColorDepth } from './detect.js';
import { toXterm256 } from './palette256.js';

/** Upper half block: the foreground paints the top pixel of a cell, the background the bottom one. */
export const UPPER_HALF_BLOCK = '▀';
const ESC = '\u001b';
export const RESET = `${ESC}[0m`;

/** Tightly packed 8-bit RGB pixels, row by row (what sharp's `.raw()` gives for 3 channels). */
export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Draws pixels as half blocks, two pixel rows per text row. An odd last pixel row is paired
 * with itself. A colour escape is written only when it changes from the previous cell: a flat sky
 * then costs one escape per line instead of two per cell, which matters over SSH.
 */
export function renderHalfBlocks(pixels: RgbPixels, color: ColorDepth): string[] {
  const { width, height } = pixels;
  const lines: string[] = [];
  for (let y = 0; y < height; y += 2) {
    const bottomY = Math.min(y + 1, height - 1);
    let line = '';
    let foreground = '';
    let background = '';
    for (let x = 0; x < width; x += 1) {
      const top = colorEscape(pixels, x, y, 38, color);
      const bottom = colorEscape(pixels, x, bottomY, 48, color);
      if (top !== foreground) line += top;
      if (bottom !== background) line += bottom;
      foreground = top;
      background = bottom;
      line += UPPER_HALF_BLOCK;
    }
    lines.push(line + RESET);
  }
  return lines;
}

/** `layer` 38 sets the foreground, 48 the background. */
function colorEscape(pixels: RgbPixels, x: number, y: number, layer: 38 | 48, color: ColorDepth): string {
  const offset = (y * pixels.width + x) * 3;
  const r = pixels.data[offset] ?? 0;
  const g = pixels.data[offset + 1] ?? 0;
  const b = pixels.data[offset + 2] ?? 0;
  return color === 'truecolor' ? `${ESC}[${layer};2;${r};${g};${b}m` : `${ESC}[${layer};5;${toXterm256(r, g, b)}m`;
}

/** `#rrggbb` to its channels; null when it is not one. */
export function parseHexColor(hex: string | null): [number, number, number] | null {
  const match = hex ? /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim()) : null;
  if (!match) return null;
  return [parseInt(match[1] ?? '0', 16), parseInt(match[2] ?? '0', 16), parseInt(match[3] ?? '0', 16)];
}
